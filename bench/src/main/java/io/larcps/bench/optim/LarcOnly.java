package io.larcps.bench.optim;

import io.larcps.server.optim.OptimizerSettings;
import io.larcps.server.optim.TrustRule;

/** The reference variants implement apex LARC with plain torch momentum only; say so when asked for more. */
final class LarcOnly {

    private LarcOnly() {
    }

    static OptimizerSettings require(OptimizerSettings settings) {
        if (settings.rule() != TrustRule.LARC || settings.momentum() == 0 || settings.dampening() != 0
                || settings.nesterov()) {
            throw new IllegalArgumentException("the reference steps implement apex LARC with momentum > 0, "
                    + "no dampening and no Nesterov; got " + settings);
        }
        return settings;
    }

    /**
     * apex's local learning rate for one tensor, or 1 when either norm is zero (then apex also skips
     * the weight decay: see {@link #applies}).
     */
    static double localRate(OptimizerSettings settings, double weightNorm, double gradientNorm, double learningRate) {
        double local = settings.trustCoefficient() * weightNorm
                / (gradientNorm + settings.weightDecay() * weightNorm + settings.eps());
        if (settings.clip()) {
            local = learningRate == 0 ? 1 : Math.min(local / learningRate, 1);
        }
        return local;
    }

    static boolean applies(double weightNorm, double gradientNorm) {
        return weightNorm != 0 && gradientNorm != 0;
    }
}
