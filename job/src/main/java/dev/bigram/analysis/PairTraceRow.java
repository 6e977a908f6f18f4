package dev.bigram.analysis;

/** One row of {@code pair_trace/}: {@code p(next | prev)} under the parameters entering {@code epoch}. */
public record PairTraceRow(int epoch, String prev, String next, double probability) {}
