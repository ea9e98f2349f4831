package io.larcps.deploy.cli;

import io.larcps.server.optim.OptimizerSettings;
import io.larcps.server.optim.TrustRule;
import java.util.Locale;
import picocli.CommandLine.Option;

/** The parameter servers' optimizer, as flags; validated by {@link OptimizerSettings}. */
public final class OptimizerOptions {

    @Option(names = "--optimizer", defaultValue = "larc",
            description = "larc (NVIDIA apex LARC), lars (MLPerf LARS) or sgd (plain momentum SGD); default ${DEFAULT-VALUE}.")
    String rule;

    @Option(names = "--trust", defaultValue = "0.02",
            description = "LARC/LARS trust coefficient; default ${DEFAULT-VALUE} (apex's default; the study found 1e-3 worse).")
    double trust;

    @Option(names = "--larc-mode", defaultValue = "clip",
            description = "clip (rate = min(trust ratio, lr), apex's default) or scale (rate = lr * trust ratio); "
                    + "default ${DEFAULT-VALUE}.")
    String mode;

    @Option(names = "--eps", defaultValue = "1e-8", description = "Added to the trust ratio's denominator; default ${DEFAULT-VALUE}.")
    double eps;

    @Option(names = "--momentum", defaultValue = "0.9", description = "SGD momentum in [0, 1); default ${DEFAULT-VALUE}.")
    double momentum;

    @Option(names = "--dampening", defaultValue = "0", description = "SGD dampening in [0, 1]; default ${DEFAULT-VALUE}.")
    double dampening;

    @Option(names = "--nesterov", description = "Nesterov momentum.")
    boolean nesterov;

    @Option(names = "--weight-decay", defaultValue = "5e-4",
            description = "L2 weight decay, folded into the gradient; default ${DEFAULT-VALUE}.")
    double weightDecay;

    public OptimizerSettings settings() {
        TrustRule trustRule = switch (rule.toLowerCase(Locale.ROOT)) {
            case "larc" -> TrustRule.LARC;
            case "lars" -> TrustRule.LARS;
            case "sgd" -> TrustRule.NONE;
            default -> throw new IllegalArgumentException("--optimizer must be larc, lars or sgd, not '" + rule + "'");
        };
        boolean clip = switch (mode.toLowerCase(Locale.ROOT)) {
            case "clip" -> true;
            case "scale" -> false;
            default -> throw new IllegalArgumentException("--larc-mode must be clip or scale, not '" + mode + "'");
        };
        try {
            return new OptimizerSettings(trustRule, trustRule == TrustRule.NONE ? 1 : trust, eps, clip, weightDecay,
                    momentum, dampening, nesterov);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad optimizer flags: " + e.getMessage(), e);
        }
    }
}
