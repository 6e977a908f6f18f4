package dev.bigram.architecture;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packages are floors in pipeline order (docs/design.md, "Code layout"): each imports only the floors below
 * it. A change that adds a back-edge fails here, naming the class and the dependency.
 */
class LayeringTest {
  /** Bottom to top. */
  static final String[] FLOORS = {
      "config", "math", "model", "data", "loss", "optim", "train", "analysis", "output", "job", "cli"};

  private static JavaClasses production;

  @BeforeAll
  static void importProductionClasses() {
    production = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.bigram");
  }

  @Test
  void packagesHaveNoCycles() {
    slices().matching("dev.bigram.(*)..").should().beFreeOfCycles().check(production);
  }

  @Test
  void eachFloorImportsOnlyTheFloorsBelowIt() {
    layers().check(production);
  }

  /** Every floor may be used by the floors above it, and by no other. */
  static ArchRule layers() {
    var architecture = layeredArchitecture().consideringOnlyDependenciesInLayers();
    for (String floor : FLOORS) {
      architecture = architecture.layer(floor).definedBy("dev.bigram." + floor + "..");
    }
    for (int i = 0; i < FLOORS.length - 1; i++) {
      String[] above = java.util.Arrays.copyOfRange(FLOORS, i + 1, FLOORS.length);
      architecture = architecture.whereLayer(FLOORS[i]).mayOnlyBeAccessedByLayers(above);
    }
    return architecture.whereLayer(FLOORS[FLOORS.length - 1]).mayNotBeAccessedByAnyLayer();
  }
}
