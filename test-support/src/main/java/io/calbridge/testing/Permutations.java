package io.calbridge.testing;

import java.util.ArrayList;
import java.util.List;

/** Every order of n things, for tests that deliver the same events in all of them. */
public final class Permutations {
    private Permutations() {
    }

    /** The n! orders of 0..n-1, in lexicographic order. */
    public static List<List<Integer>> of(int n) {
        List<List<Integer>> out = new ArrayList<>();
        permute(new ArrayList<>(), n, out);
        return out;
    }

    private static void permute(List<Integer> prefix, int n, List<List<Integer>> out) {
        if (prefix.size() == n) {
            out.add(List.copyOf(prefix));
            return;
        }
        for (int i = 0; i < n; i++) {
            if (!prefix.contains(i)) {
                prefix.add(i);
                permute(prefix, n, out);
                prefix.remove(prefix.size() - 1);
            }
        }
    }
}
