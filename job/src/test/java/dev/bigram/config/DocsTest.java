package dev.bigram.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bigram.testing.SparkTestBase;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The documentation a user clones: README.md (the short front door), BENCHMARKS.md and docs/*.md. Every relative
 * link must lead to a file of the repository (and to a heading of it when it names one), the README must stay
 * short, and no page may point at material that is not part of the repository.
 */
class DocsTest {
  static final int README_MAX_LINES = 200;
  /** Strings that name files outside the repository: a user who clones it cannot open them. */
  static final List<String> FORBIDDEN = List.of("../shared", "DESIGN.md");

  /** {@code [text](target)} and {@code ![alt](target "title")}: the target, without an optional title. */
  private static final Pattern INLINE_LINK = Pattern.compile("\\]\\(\\s*<?([^)\\s>]*)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
  /** {@code [label]: target} reference definitions. */
  private static final Pattern REFERENCE_LINK = Pattern.compile("^ {0,3}\\[[^\\]]+\\]:\\s*<?(\\S+?)>?(?:\\s.*)?$");
  private static final Pattern HEADING = Pattern.compile("^ {0,3}(#{1,6})\\s+(.*?)(?:\\s+#+)?\\s*$");
  private static final Pattern INLINE_CODE = Pattern.compile("(`+)(.+?)\\1");
  private static final Pattern FENCE = Pattern.compile("^ {0,3}(```|~~~)");
  private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:|^//");

  @Test
  void readmeHasAtMost200Lines() throws IOException {
    long lines = Files.readAllLines(root().resolve("README.md"), StandardCharsets.UTF_8).size();
    assertTrue(lines <= README_MAX_LINES,
        "README.md has " + lines + " lines; keep it at most " + README_MAX_LINES + " and move detail to docs/");
  }

  @Test
  void everyRelativeLinkResolvesToAFileInsideTheRepository() throws IOException {
    Path root = root();
    List<String> broken = new ArrayList<>();
    for (Path page : pages()) {
      for (String target : relativeLinks(page)) {
        String path = pathOf(target);
        if (path.isEmpty()) continue; // an anchor in the same page: checked by the anchor test
        Path resolved = page.getParent().resolve(URLDecoder.decode(path, StandardCharsets.UTF_8)).normalize();
        if (!resolved.startsWith(root)) {
          broken.add(name(page) + ": " + target + " leaves the repository");
        } else if (!Files.isRegularFile(resolved)) {
          broken.add(name(page) + ": " + target + " is not a file of the repository");
        }
      }
    }
    assertTrue(broken.isEmpty(), "broken links:\n" + String.join("\n", broken));
  }

  @Test
  void everyLinkAnchorIsAHeadingOfItsTargetPage() throws IOException {
    List<String> broken = new ArrayList<>();
    Map<Path, Set<String>> anchorsByPage = new HashMap<>();
    for (Path page : pages()) {
      for (String target : relativeLinks(page)) {
        int hash = target.indexOf('#');
        if (hash < 0) continue;
        String anchor = URLDecoder.decode(target.substring(hash + 1), StandardCharsets.UTF_8);
        String path = pathOf(target);
        Path targetPage = path.isEmpty() ? page
            : page.getParent().resolve(URLDecoder.decode(path, StandardCharsets.UTF_8)).normalize();
        if (!Files.isRegularFile(targetPage)) continue; // reported by the link test
        if (!targetPage.getFileName().toString().endsWith(".md")) {
          broken.add(name(page) + ": " + target + " has an anchor but does not lead to a Markdown page");
          continue;
        }
        Set<String> anchors = anchorsByPage.computeIfAbsent(targetPage, DocsTest::anchorsOrFail);
        if (!anchors.contains(anchor)) {
          broken.add(name(page) + ": " + target + " names no heading of " + name(targetPage)
              + " (its anchors: " + anchors + ")");
        }
      }
    }
    assertTrue(broken.isEmpty(), "links to missing headings:\n" + String.join("\n", broken));
  }

  @Test
  void noPageMentionsTheSharedFolderOrDesignMd() throws IOException {
    List<String> found = new ArrayList<>();
    for (Path page : pages()) {
      List<String> lines = Files.readAllLines(page, StandardCharsets.UTF_8);
      for (int i = 0; i < lines.size(); i++) {
        for (String s : FORBIDDEN) {
          if (lines.get(i).contains(s)) found.add(name(page) + ":" + (i + 1) + " mentions " + s);
        }
      }
    }
    assertTrue(found.isEmpty(), "pages that point outside the repository:\n" + String.join("\n", found));
  }

  @Test
  void everyDocsPageIsLinkedFromTheReadme() throws IOException {
    Path readme = root().resolve("README.md");
    Set<Path> linked = new LinkedHashSet<>();
    for (String target : relativeLinks(readme)) {
      if (!pathOf(target).isEmpty()) linked.add(readme.getParent().resolve(pathOf(target)).normalize());
    }
    List<String> unlinked = new ArrayList<>();
    for (Path page : pages()) {
      if (page.getParent().equals(root().resolve("docs")) && !linked.contains(page)) unlinked.add(name(page));
    }
    assertTrue(unlinked.isEmpty(), "docs pages the README does not link: " + unlinked);
  }

  // ---- the checks' own helpers, tested on small inputs

  @Test
  void slugsFollowGitHubRules() {
    assertEquals("held-out-perplexity-the-jobs-defaults-vs-kneser-ney-and-add-k",
        slug("Held-out perplexity: the job's defaults vs Kneser-Ney and add-k"));
    assertEquals("sizes-what-the-driver-and-the-executors-hold", slug("Sizes: what the driver and the executors hold"));
    assertEquals("trainkernel--fast", slug("`train.kernel` = fast"));
    assertEquals("a--b", slug("A & B"));
  }

  @Test
  void linksInCodeAreIgnoredAndRepeatedHeadingsGetNumberedAnchors() {
    String text = "# Title\n[a](a.md) `[b](b.md)` ![c](img.png \"t\")\n```\n[d](d.md)\n# Not a heading\n```\n"
        + "[e]: e.md\n## Title\n";
    assertEquals(List.of("a.md", "img.png", "e.md"), links(text));
    assertEquals(Set.of("title", "title-1"), anchors(text));
  }

  // ---- helpers

  static Path root() {
    return SparkTestBase.projectRoot().toAbsolutePath().normalize();
  }

  /** README.md, BENCHMARKS.md and every Markdown page directly under docs/. */
  static List<Path> pages() throws IOException {
    List<Path> pages = new ArrayList<>(List.of(root().resolve("README.md"), root().resolve("BENCHMARKS.md")));
    try (Stream<Path> docs = Files.list(root().resolve("docs"))) {
      docs.filter(p -> p.getFileName().toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    for (Path p : pages) assertTrue(Files.isRegularFile(p), "missing page " + p);
    assertFalse(pages.size() < 3, "docs/ has no Markdown page");
    return pages;
  }

  static String name(Path page) {
    return root().relativize(page.toAbsolutePath().normalize()).toString();
  }

  /** The link targets of a page that stay in the repository (no scheme such as https: or mailto:). */
  static List<String> relativeLinks(Path page) throws IOException {
    List<String> relative = new ArrayList<>();
    for (String target : links(Files.readString(page, StandardCharsets.UTF_8))) {
      if (!target.isEmpty() && !SCHEME.matcher(target).find()) relative.add(target);
    }
    return relative;
  }

  /** Every link target of a Markdown text, outside code blocks and code spans, in order. */
  static List<String> links(String markdown) {
    List<String> targets = new ArrayList<>();
    for (String line : proseLines(markdown)) {
      String prose = INLINE_CODE.matcher(line).replaceAll("");
      Matcher inline = INLINE_LINK.matcher(prose);
      while (inline.find()) targets.add(inline.group(1));
      Matcher reference = REFERENCE_LINK.matcher(prose);
      if (reference.matches()) targets.add(reference.group(1));
    }
    return targets;
  }

  /** The anchors GitHub gives the headings of a Markdown text; a repeated heading gets -1, -2, ... */
  static Set<String> anchors(String markdown) {
    Set<String> anchors = new LinkedHashSet<>();
    Map<String, Integer> seen = new HashMap<>();
    for (String line : proseLines(markdown)) {
      Matcher h = HEADING.matcher(line);
      if (!h.matches()) continue;
      String base = slug(h.group(2));
      int n = seen.merge(base, 1, Integer::sum) - 1;
      anchors.add(n == 0 ? base : base + "-" + n);
    }
    return anchors;
  }

  private static Set<String> anchorsOrFail(Path page) {
    try {
      return anchors(Files.readString(page, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + page, e);
    }
  }

  /**
   * GitHub's heading anchor: the heading's text (link targets dropped) lowercased, every character that is not
   * a letter, a digit, a space, '-' or '_' dropped, and every space turned into '-'.
   */
  static String slug(String heading) {
    String text = heading.replaceAll("!?\\[([^\\]]*)\\]\\([^)]*\\)", "$1");
    return text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
  }

  /** The path part of a link target: before any '#'. */
  static String pathOf(String target) {
    int hash = target.indexOf('#');
    return hash < 0 ? target : target.substring(0, hash);
  }

  /** The lines of a Markdown text outside fenced code blocks. */
  static List<String> proseLines(String markdown) {
    List<String> lines = new ArrayList<>();
    String fence = null;
    for (String line : markdown.split("\n", -1)) {
      Matcher f = FENCE.matcher(line);
      if (f.find()) {
        if (fence == null) {
          fence = f.group(1);
          continue;
        }
        if (fence.equals(f.group(1))) {
          fence = null;
          continue;
        }
      }
      if (fence == null) lines.add(line);
    }
    return lines;
  }
}
