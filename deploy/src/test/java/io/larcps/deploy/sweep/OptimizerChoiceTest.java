package io.larcps.deploy.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.larcps.server.optim.OptimizerSettings;
import io.larcps.server.optim.TrustRule;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The --optimizers grammar: sgd | larc[:TRUST] | lars[:TRUST], comma-separated. */
class OptimizerChoiceTest {

    @Test
    void parsesTheStudysThreeSettingsAndWritesThemBack() {
        List<OptimizerChoice> choices = OptimizerChoice.parseList("sgd, larc:1e-3,LARC:0.02,lars");
        assertThat(choices).extracting(OptimizerChoice::spec).containsExactly("sgd", "larc:0.001", "larc:0.02",
                "lars:0.02");
        assertThat(choices).extracting(OptimizerChoice::id).containsExactly("sgd", "larc0.001", "larc0.02", "lars0.02");
        assertThat(choices).extracting(OptimizerChoice::label).containsExactly("sgd", "larc trust 0.001",
                "larc trust 0.02", "lars trust 0.02");
        assertThat(OptimizerChoice.parse(choices.get(1).spec())).isEqualTo(choices.get(1));
    }

    @Test
    void larcIsApexClipModeWithWeightDecayAndSgdHasNoTrustRule() {
        OptimizerSettings larc = OptimizerChoice.parse("larc:0.001").settings(0.9, 5e-4, true);
        assertThat(larc).isEqualTo(OptimizerSettings.apexLarc(0.001, 5e-4, 0.9));
        OptimizerSettings sgd = OptimizerChoice.parse("sgd").settings(0.9, 5e-4, true);
        assertThat(sgd.rule()).isEqualTo(TrustRule.NONE);
        assertThat(sgd.weightDecay()).isEqualTo(5e-4);
    }

    @Test
    void refusesWhatTheGrammarDoesNotSay() {
        assertThatThrownBy(() -> OptimizerChoice.parseList("sgd,adam")).hasMessageContaining("'adam' is not");
        assertThatThrownBy(() -> OptimizerChoice.parseList("sgd,")).hasMessageContaining("'' is not");
        assertThatThrownBy(() -> OptimizerChoice.parse("larc:0:1")).hasMessageContaining("is not");
        assertThatThrownBy(() -> OptimizerChoice.parse("larc:-1")).hasMessageContaining("trust must be > 0");
        assertThatThrownBy(() -> OptimizerChoice.parse("lars:0")).hasMessageContaining("trust must be > 0");
        assertThatThrownBy(() -> OptimizerChoice.parseList("larc,larc:0.02")).hasMessageContaining("twice");
    }
}
