package io.calbridge.sandbox;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Reads the sandbox's enums from the admin API's JSON: lenient, as people type them. */
final class EnumNames {
    private EnumNames() {
    }

    /**
     * The constant whose Java name, or one of the names Calendly gives it, is {@code s} in any case.
     *
     * @param what          what the constants are, for the error ("role", "plan")
     * @param calendlyNames a constant's names on Calendly's wire besides its Java name
     * @throws IllegalArgumentException naming {@code s} and the constants, when none matches
     */
    static <E extends Enum<E>> E parse(String s, String what, E[] constants, Function<E, List<String>> calendlyNames) {
        for (E c : constants) {
            if (c.name().equalsIgnoreCase(s) || calendlyNames.apply(c).stream().anyMatch(n -> n.equalsIgnoreCase(s))) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown " + what + " '" + s + "' (" + Arrays.stream(constants)
                .map(c -> c.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")) + ")");
    }

    /** {@link #parse(String, String, Enum[], Function)} for enums Calendly names like Java, in lower case. */
    static <E extends Enum<E>> E parse(String s, String what, E[] constants) {
        return parse(s, what, constants, c -> List.of());
    }
}
