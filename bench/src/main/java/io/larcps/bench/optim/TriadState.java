package io.larcps.bench.optim;

import java.util.Arrays;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Three float arrays as long as the ResNet-50 parameter set, far beyond any cache. */
@State(Scope.Thread)
public class TriadState {
    static final float SCALAR = 3f;

    float[] a;
    float[] b;
    float[] c;

    @Setup(Level.Trial)
    public void setUp() {
        int n = Math.toIntExact(Layout.resnet50().elements());
        a = new float[n];
        b = new float[n];
        c = new float[n];
        // Touch every page before timing, as STREAM does, so first-touch faults stay out of the numbers.
        Arrays.fill(a, 0f);
        Arrays.fill(b, 1f);
        Arrays.fill(c, 2f);
    }
}
