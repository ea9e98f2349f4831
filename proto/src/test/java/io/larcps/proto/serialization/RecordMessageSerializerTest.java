package io.larcps.proto.serialization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import io.larcps.proto.control.DType;
import io.larcps.proto.control.StepPlan;
import java.io.NotSerializableException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RecordMessageSerializerTest {

    /** Everything a protocol record may hold, each component set to a non-default value. */
    record Everything(StepPlan plan, ActorRef<String> replyTo, String text, int small, long big, double real,
            float single, boolean flag, DType dtype, Inner inner, List<Integer> ranks, List<Inner> inners,
            String absent) implements ControlMessage {
    }

    record Inner(String name, long value) {
    }

    record Validated(int count) implements ControlMessage {
        Validated {
            if (count < 0) {
                throw new IllegalArgumentException("count must be >= 0");
            }
        }
    }

    record NotMarked(int count) {
    }

    record Unsupported(int[] values) implements ControlMessage {
    }

    private static ActorTestKit testKit;
    private static Serialization serialization;

    @BeforeAll
    static void startSystem() {
        testKit = ActorTestKit.create(ConfigFactory.parseString("pekko.actor.serialize-messages = on"));
        serialization = SerializationExtension.get(testKit.system().classicSystem());
    }

    @AfterAll
    static void stopSystem() {
        testKit.shutdownTestKit();
    }

    private static Object roundTrip(Object message) throws NotSerializableException {
        var serializer = serialization.findSerializerFor(message);
        assertThat(serializer).isInstanceOf(RecordMessageSerializer.class);
        byte[] bytes = serializer.toBinary(message);
        return serialization.deserialize(bytes, serializer.identifier(), Serializers.manifestFor(serializer, message)).get();
    }

    @Test
    void everyKindOfComponentSurvivesTheRoundTrip() throws Exception {
        TestProbe<String> probe = testKit.createTestProbe();
        Everything sent = new Everything(StepPlan.newBuilder().setJobId("j").setStep(9).addParticipantRanks(3).build(),
                probe.getRef(), "hello", -7, 1L << 40, 0.125, 1.5f, true, DType.BFLOAT16,
                new Inner("x", 5), List.of(0, 2, 5), List.of(new Inner("a", 1), new Inner("b", 2)), null);

        Everything received = (Everything) roundTrip(sent);

        assertThat(received).isEqualTo(sent).isNotSameAs(sent);
        received.replyTo().tell("resolved");
        probe.expectMessage(Duration.ofSeconds(3), "resolved");
    }

    @Test
    void recordsTravelThroughActorsWithSerializationOn() {
        TestProbe<ControlMessage> probe = testKit.createTestProbe();
        Validated sent = new Validated(4);
        probe.getRef().tell(sent);
        assertThat(probe.receiveMessage()).isEqualTo(sent).isNotSameAs(sent);
    }

    @Test
    void aReceivedRecordIsValidatedByItsConstructor() throws Exception {
        var serializer = serialization.findSerializerFor(new Validated(1));
        byte[] negative = io.larcps.proto.envelope.RecordEnvelope.newBuilder()
                .addComponents(io.larcps.proto.envelope.Value.newBuilder().setInteger(-1)).build().toByteArray();
        assertThatThrownBy(() -> serializer.fromBinary(negative, scala.Option.apply(Validated.class)))
                .hasMessageContaining("count must be >= 0");
    }

    @Test
    void onlyMarkedRecordsAreEverInstantiated() {
        RecordMessageSerializer serializer = (RecordMessageSerializer) serialization.findSerializerFor(new Validated(1));
        assertThatThrownBy(() -> serializer.fromBinary(new byte[0], NotMarked.class.getName()))
                .isInstanceOf(NotSerializableException.class).hasMessageContaining("not a ControlMessage");
        assertThatThrownBy(() -> serializer.fromBinary(new byte[0], "java.lang.Runtime"))
                .isInstanceOf(NotSerializableException.class);
        assertThatThrownBy(() -> serializer.fromBinary(new byte[0], "io.larcps.NoSuchMessage"))
                .isInstanceOf(NotSerializableException.class).hasMessageContaining("io.larcps.NoSuchMessage");
        assertThatThrownBy(() -> serializer.toBinary(new NotMarked(1))).hasMessageContaining("ControlMessage");
    }

    @Test
    void aComponentTypeTheWireCannotCarryIsNamed() {
        Unsupported message = new Unsupported(new int[] {1});
        assertThatThrownBy(() -> serialization.findSerializerFor(message).toBinary(message))
                .hasMessageContaining("Unsupported.values");
    }

    @Test
    void aMessageWithTheWrongNumberOfComponentsIsRefused() throws Exception {
        RecordMessageSerializer serializer = (RecordMessageSerializer) serialization.findSerializerFor(new Validated(1));
        byte[] empty = io.larcps.proto.envelope.RecordEnvelope.getDefaultInstance().toByteArray();
        assertThatThrownBy(() -> serializer.fromBinary(empty, Validated.class.getName()))
                .hasMessageContaining("1 components");
        assertThat(Arrays.asList(Everything.class.getRecordComponents())).hasSize(13);
    }
}
