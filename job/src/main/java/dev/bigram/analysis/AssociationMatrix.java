package dev.bigram.analysis;

import dev.bigram.data.Vocabulary;
import dev.bigram.model.BigramModel;
import java.util.ArrayList;
import java.util.List;

/**
 * The exercise's "knowledge matrix", in probabilities: for a few frequent words, {@code p[i][j] = p(word_j |
 * word_i)} under the trained model. Rows do not sum to one: only the shown words are columns.
 */
public record AssociationMatrix(List<String> words, double[][] probabilities) {

  /** The matrix over the words with ids {@code ids}, in that order. */
  public static AssociationMatrix of(BigramModel model, Vocabulary vocab, List<Integer> ids) {
    List<String> words = new ArrayList<>(ids.size());
    double[][] p = new double[ids.size()][ids.size()];
    for (int i = 0; i < ids.size(); i++) {
      words.add(vocab.word(ids.get(i)));
      double[] row = model.probabilities(ids.get(i));
      for (int j = 0; j < ids.size(); j++) p[i][j] = row[ids.get(j)];
    }
    return new AssociationMatrix(List.copyOf(words), p);
  }
}
