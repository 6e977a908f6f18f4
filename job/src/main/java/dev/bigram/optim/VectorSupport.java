package dev.bigram.optim;

/** Whether the JDK's incubating vector API is on the module path ({@code --add-modules jdk.incubator.vector}). */
final class VectorSupport {
  static final boolean AVAILABLE = probe();

  private VectorSupport() {}

  private static boolean probe() {
    if (Boolean.getBoolean("bigram.vector.disable")) return false;
    try {
      Class.forName("jdk.incubator.vector.FloatVector");
      return VectorRowMath.selfTest();
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }
}
