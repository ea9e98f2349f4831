package io.larcps.deploy.sweep;

import io.larcps.server.optim.OptimizerSettings;
import io.larcps.server.optim.TrustRule;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One optimizer setting of a sweep, written {@code sgd}, {@code larc[:TRUST]} or {@code lars[:TRUST]}:
 * momentum SGD alone, or apex LARC (or MLPerf LARS) with that trust coefficient in front of it.
 *
 * @param rule {@code sgd}, {@code larc} or {@code lars}
 * @param trust the trust coefficient; 0 for {@code sgd}, which has none
 */
public record OptimizerChoice(String rule, double trust) {
    /** apex LARC's default trust coefficient, taken when an item names none. */
    public static final double DEFAULT_TRUST = 0.02;
    private static final String ITEM = "sgd, larc[:TRUST] or lars[:TRUST]";

    public OptimizerChoice {
        if (!List.of("sgd", "larc", "lars").contains(rule)) {
            throw new IllegalArgumentException("optimizer '" + rule + "' is not sgd, larc or lars");
        }
        if (rule.equals("sgd") ? trust != 0 : !(trust > 0 && Double.isFinite(trust))) {
            throw new IllegalArgumentException("trust " + trust + " is not valid for " + rule);
        }
    }

    /** Parses one list of {@code --optimizers}, e.g. {@code sgd,larc:0.001,larc:0.02}. */
    public static List<OptimizerChoice> parseList(String text) {
        Set<OptimizerChoice> choices = new LinkedHashSet<>();
        for (String item : text.split(",", -1)) {
            OptimizerChoice choice = parse(item);
            if (!choices.add(choice)) {
                throw new IllegalArgumentException("--optimizers names " + choice.spec() + " twice");
            }
        }
        return new ArrayList<>(choices);
    }

    /** Parses one item: {@code sgd}, {@code larc}, {@code larc:0.02}, {@code lars:1e-3}. */
    public static OptimizerChoice parse(String item) {
        String[] parts = item.trim().toLowerCase(Locale.ROOT).split(":", -1);
        String rule = parts[0];
        boolean known = List.of("sgd", "larc", "lars").contains(rule);
        boolean shaped = parts.length == 1 || (parts.length == 2 && !rule.equals("sgd"));
        if (!known || !shaped) {
            throw new IllegalArgumentException("--optimizers item '" + item.trim() + "' is not " + ITEM);
        }
        if (rule.equals("sgd")) {
            return new OptimizerChoice(rule, 0);
        }
        if (parts.length == 1) {
            return new OptimizerChoice(rule, DEFAULT_TRUST);
        }
        double trust;
        try {
            trust = Double.parseDouble(parts[1]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--optimizers item '" + item.trim() + "': trust '" + parts[1]
                    + "' is not a number", e);
        }
        if (!(trust > 0) || Double.isInfinite(trust)) {
            throw new IllegalArgumentException("--optimizers item '" + item.trim() + "': trust must be > 0");
        }
        return new OptimizerChoice(rule, trust);
    }

    public boolean hasTrustRule() {
        return !rule.equals("sgd");
    }

    /** The trust coefficient as written back (0.001, 0.02); empty for sgd. */
    public String trustText() {
        return hasTrustRule() ? BigDecimal.valueOf(trust).stripTrailingZeros().toPlainString() : "";
    }

    /** As {@code --optimizers} takes it. */
    public String spec() {
        return hasTrustRule() ? rule + ":" + trustText() : rule;
    }

    /** For file names: {@code sgd}, {@code larc0.02}. */
    public String id() {
        return rule + trustText();
    }

    /** For people: {@code sgd}, {@code larc trust 0.02}. */
    public String label() {
        return hasTrustRule() ? rule + " trust " + trustText() : rule;
    }

    /** The parameter servers' optimizer: apex defaults (eps 1e-8, no dampening, no Nesterov). */
    public OptimizerSettings settings(double momentum, double weightDecay, boolean clip) {
        TrustRule trustRule = switch (rule) {
            case "larc" -> TrustRule.LARC;
            case "lars" -> TrustRule.LARS;
            default -> TrustRule.NONE;
        };
        return trustRule == TrustRule.NONE ? OptimizerSettings.sgd(weightDecay, momentum)
                : new OptimizerSettings(trustRule, trust, 1e-8, clip, weightDecay, momentum, 0, false);
    }
}
