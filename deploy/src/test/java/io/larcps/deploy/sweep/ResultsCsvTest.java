package io.larcps.deploy.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** results.csv is what a resumed sweep trusts: it must read back exactly what was written. */
class ResultsCsvTest {

    @TempDir
    Path dir;

    @Test
    void rowsReadBackEqualAndAMissingLossIsAnEmptyField() throws IOException {
        RunResult sgd = new RunResult(new SweepRun(256, OptimizerChoice.parse("sgd"), 42), "mlp", 1, 1, 0.1, 20, 4680,
                0.8812, 0.8830, 0.33125, 101.25, 11834.5, 0, "runs/b256-sgd-seed42");
        RunResult larc = new RunResult(new SweepRun(4096, OptimizerChoice.parse("larc:0.001"), 43), "synthetic-mlp", 2,
                3, 1.6, 20, 280, 0.75, 0.7512, Double.NaN, 60.5, 18950.2, 3, "runs/b4096-larc0.001-seed43");
        ResultsCsv.write(dir, List.of(sgd, larc));

        assertThat(ResultsCsv.read(dir)).containsExactly(sgd, larc);
        assertThat(Files.readAllLines(dir.resolve("results.csv")).get(2))
                .isEqualTo("4096,larc,0.001,43,synthetic-mlp,2,3,1.60000,20,280,0.7500,0.7512,,60.50,18950.2,3,"
                        + "runs/b4096-larc0.001-seed43");
        assertThat(dir.resolve("results.csv.tmp")).doesNotExist();
    }

    @Test
    void aDirectoryWithoutResultsHasNoRowsAndAForeignFileIsRefused() throws IOException {
        assertThat(ResultsCsv.read(dir)).isEmpty();
        Files.writeString(dir.resolve("results.csv"), "a,b,c\n1,2,3\n");
        assertThatThrownBy(() -> ResultsCsv.read(dir)).hasMessageContaining("is not a larcps sweep's results");
    }
}
