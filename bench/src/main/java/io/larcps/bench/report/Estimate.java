package io.larcps.bench.report;

/**
 * A measured positive quantity with a confidence interval [low, high]; NaN bounds when the run had
 * too few iterations to give one.
 */
public record Estimate(double value, double low, double high) {

    public static Estimate exact(double value) {
        return new Estimate(value, value, value);
    }

    public boolean hasInterval() {
        return !Double.isNaN(low) && !Double.isNaN(high);
    }

    /** {@code k / this}: turns a time into a rate; the interval flips ends. */
    public Estimate inverse(double k) {
        return new Estimate(k / value, k / high, k / low);
    }

    /** {@code this / other}, with the widest interval the two intervals allow. */
    public Estimate over(Estimate other) {
        return new Estimate(value / other.value, low / other.high, high / other.low);
    }

    public Estimate times(double k) {
        return new Estimate(value * k, low * k, high * k);
    }
}
