package dev.bigram.analysis;

/**
 * One row of {@code patterns/}: after {@code context} (the {@code contextRank}-th most frequent context word,
 * seen {@code contextCount} times as a previous word in training), the model predicts {@code next} as its
 * {@code rank}-th choice with {@code probability}.
 */
public record LearnedPattern(String context, int contextRank, long contextCount, String next, int rank,
    double probability, Strength strength) {}
