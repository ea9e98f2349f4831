package io.larcps.server.optim;

import com.typesafe.config.Config;
import java.util.Locale;

/**
 * Hyper-parameters of the parameter servers' optimizer, validated once at construction.
 *
 * <p>The learning rate is not here: it changes every step and comes from a {@link LearningRateSchedule}.
 *
 * @param rule layer-wise rule applied before momentum SGD
 * @param trustCoefficient LARC/LARS trust coefficient (apex default 0.02); ignored by {@link TrustRule#NONE}
 * @param eps added to the trust ratio's denominator so it never divides by zero
 * @param clip apex clip mode: the effective rate is {@code min(trust ratio, lr)}; otherwise scale mode
 * @param weightDecay L2 weight decay, folded into the gradient (the wrapped SGD sees none)
 * @param momentum torch SGD momentum in [0, 1)
 * @param dampening torch SGD dampening in [0, 1]
 * @param nesterov torch Nesterov momentum; needs momentum &gt; 0 and dampening 0, as torch demands
 */
public record OptimizerSettings(
        TrustRule rule,
        double trustCoefficient,
        double eps,
        boolean clip,
        double weightDecay,
        double momentum,
        double dampening,
        boolean nesterov) {

    public OptimizerSettings {
        if (rule == null) {
            throw new IllegalArgumentException("rule must be one of NONE, LARC, LARS, not null");
        }
        if (rule != TrustRule.NONE) {
            requireFinite("trustCoefficient", trustCoefficient);
            if (trustCoefficient <= 0) {
                throw new IllegalArgumentException("trustCoefficient must be > 0, got " + trustCoefficient);
            }
        }
        requireFinite("eps", eps);
        if (eps < 0) {
            throw new IllegalArgumentException("eps must be >= 0, got " + eps);
        }
        requireFinite("weightDecay", weightDecay);
        if (weightDecay < 0) {
            throw new IllegalArgumentException("weightDecay must be >= 0, got " + weightDecay);
        }
        requireFinite("momentum", momentum);
        if (momentum < 0 || momentum >= 1) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        }
        requireFinite("dampening", dampening);
        if (dampening < 0 || dampening > 1) {
            throw new IllegalArgumentException("dampening must be in [0, 1], got " + dampening);
        }
        if (nesterov && (momentum == 0 || dampening != 0)) {
            throw new IllegalArgumentException(
                    "nesterov needs momentum > 0 and dampening 0, got momentum " + momentum + ", dampening " + dampening);
        }
    }

    /** Reads a {@code larcps.optimizer} section (keys documented in the server's reference.conf). */
    public static OptimizerSettings fromConfig(Config section) {
        String rule = section.getString("rule");
        TrustRule trustRule;
        try {
            trustRule = TrustRule.valueOf(rule.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("rule must be one of larc, lars, none; got '" + rule + "'", e);
        }
        return new OptimizerSettings(trustRule, section.getDouble("trust-coefficient"), section.getDouble("eps"),
                section.getBoolean("clip"), section.getDouble("weight-decay"), section.getDouble("momentum"),
                section.getDouble("dampening"), section.getBoolean("nesterov"));
    }

    /** apex LARC defaults (trust 0.02, eps 1e-8, clip) around torch SGD with the given momentum and decay. */
    public static OptimizerSettings apexLarc(double trustCoefficient, double weightDecay, double momentum) {
        return new OptimizerSettings(TrustRule.LARC, trustCoefficient, 1e-8, true, weightDecay, momentum, 0, false);
    }

    /** Plain torch momentum SGD with weight decay. */
    public static OptimizerSettings sgd(double weightDecay, double momentum) {
        return new OptimizerSettings(TrustRule.NONE, 1, 0, false, weightDecay, momentum, 0, false);
    }

    private static void requireFinite(String name, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(name + " must be a finite number, got " + value);
        }
    }
}
