package dev.bigram.analysis;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the analysis of one run found: the pair trace, the patterns of the frequent context words, the
 * association matrix and the expected-pattern checks, all on the published (best epoch's) model.
 *
 * @param contexts the context words analysed, most frequent first
 * @param gateEnforced {@code analysis.fail-on-expectations}: a missed expectation fails the run
 */
public record Findings(List<TracedPair> traced, List<PairTraceRow> trace, List<ContextWord> contexts,
    List<LearnedPattern> patterns, AssociationMatrix matrix, List<ExpectationResult> expectations,
    boolean gateEnforced) {

  public List<ExpectationResult> failedExpectations() {
    return expectations.stream().filter(e -> !e.passed()).toList();
  }

  /** The run must not become LATEST. */
  public boolean gateFailed() {
    return gateEnforced && !failedExpectations().isEmpty();
  }

  /** {@code passed}, {@code failed}, or {@code disabled} when expectations are only reported. */
  public String gate() {
    if (!gateEnforced) return "disabled";
    return gateFailed() ? "failed" : "passed";
  }

  /** The fields this analysis adds to {@code summary.json}. */
  public Map<String, Object> summaryFields() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("traced_pairs", traced.stream().map(TracedPair::label).toList());
    List<Map<String, Object>> checks = new ArrayList<>();
    for (ExpectationResult e : expectations) checks.add(e.toSummary());
    s.put("expectations", checks);
    s.put("expectations_passed", expectations.size() - failedExpectations().size());
    s.put("expectations_failed", failedExpectations().size());
    s.put("quality_gate", gate());
    return s;
  }
}
