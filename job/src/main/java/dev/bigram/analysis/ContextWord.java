package dev.bigram.analysis;

/** A context word of the analysis: its id, its word, and how many training bigrams start with it. */
public record ContextWord(int id, String word, long count) {}
