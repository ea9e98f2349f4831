package io.larcps.proto.serialization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.typesafe.config.ConfigFactory;
import io.larcps.proto.control.ControlProto;
import io.larcps.proto.control.StepPlan;
import io.larcps.proto.data.FrameHeader;
import java.io.NotSerializableException;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class WireMessageSerializerTest {

    private static ActorTestKit testKit;
    private static Serialization serialization;

    @BeforeAll
    static void startSystem() {
        // serialize-messages makes every local tell go through the configured serializer, as remoting would.
        testKit = ActorTestKit.create(ConfigFactory.parseString("pekko.actor.serialize-messages = on"));
        serialization = SerializationExtension.get(testKit.system().classicSystem());
    }

    @AfterAll
    static void stopSystem() {
        testKit.shutdownTestKit();
    }

    @Test
    void everyControlMessageIsBoundToThisSerializerInTheLoadedConfig() throws Exception {
        Map<String, Object> bindings = testKit.system().settings().config()
                .getObject("pekko.actor.serialization-bindings").unwrapped();
        String javaPackage = ControlProto.getDescriptor().getOptions().getJavaPackage();

        assertThat(ControlProto.getDescriptor().getMessageTypes()).isNotEmpty();
        for (Descriptor type : ControlProto.getDescriptor().getMessageTypes()) {
            String className = javaPackage + "." + type.getName();
            assertThat(bindings).as("binding of %s", className).containsEntry(className, "larcps-wire");
            assertThat(serialization.serializerFor(Class.forName(className)))
                    .as("serializer resolved for %s", className).isInstanceOf(WireMessageSerializer.class);
        }
        assertThat(testKit.system().settings().config().getString("pekko.actor.serializers.larcps-wire"))
                .isEqualTo(WireMessageSerializer.class.getName());
    }

    @Test
    void samplesCoverEveryControlMessageWithEveryFieldSet() {
        assertThat(ControlMessageSamples.all()).extracting(m -> m.getDescriptorForType().getFullName())
                .containsExactlyInAnyOrderElementsOf(ControlProto.getDescriptor().getMessageTypes().stream()
                        .map(Descriptor::getFullName).toList());
        ControlMessageSamples.all().forEach(WireMessageSerializerTest::assertEveryFieldSet);
    }

    @Test
    void everyControlMessageRoundTripsThroughTheSerializationExtension() throws NotSerializableException {
        for (Message message : ControlMessageSamples.all()) {
            Serializer serializer = serialization.findSerializerFor(message);
            String manifest = Serializers.manifestFor(serializer, message);
            byte[] bytes = serialization.serialize(message).get();

            Object back = serialization.deserialize(bytes, serializer.identifier(), manifest).get();

            assertThat(serializer.identifier()).isEqualTo(WireMessageSerializer.IDENTIFIER);
            assertThat(manifest).isEqualTo(message.getDescriptorForType().getFullName());
            assertThat(back).isEqualTo(message).isNotSameAs(message);
        }
    }

    @Test
    void messagesToAnActorArriveAsSerializedCopies() {
        TestProbe<Object> probe = testKit.createTestProbe();
        for (Message message : ControlMessageSamples.all()) {
            probe.ref().tell(message);

            Object received = probe.receiveMessage();

            assertThat(received).isEqualTo(message).isNotSameAs(message);
        }
    }

    @Test
    void unknownManifestIsNotSerializableAndNamesTheManifest() throws NotSerializableException {
        WireMessageSerializer serializer = (WireMessageSerializer) serialization.serializerFor(StepPlan.class);

        assertThatThrownBy(() -> serializer.fromBinary(new byte[0], "larcps.NoSuchMessage"))
                .isInstanceOf(NotSerializableException.class)
                .hasMessageContaining("unknown control message manifest 'larcps.NoSuchMessage'");
    }

    @Test
    void corruptBytesFailWithTheMessageName() throws NotSerializableException {
        WireMessageSerializer serializer = (WireMessageSerializer) serialization.serializerFor(StepPlan.class);

        assertThatThrownBy(() -> serializer.fromBinary(new byte[] {(byte) 0xFF}, "larcps.StepPlan"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 bytes do not parse as larcps.StepPlan");
    }

    @Test
    void refusesMessagesOutsideControlProto() throws NotSerializableException {
        WireMessageSerializer serializer = (WireMessageSerializer) serialization.serializerFor(StepPlan.class);

        assertThatThrownBy(() -> serializer.toBinary(FrameHeader.getDefaultInstance()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not io.larcps.proto.data.FrameHeader");
    }

    /** Default values are invisible on the wire, so a sample with one would not test that field. */
    private static void assertEveryFieldSet(Message message) {
        for (FieldDescriptor field : message.getDescriptorForType().getFields()) {
            String name = field.getFullName();
            if (field.isRepeated()) {
                assertThat(message.getRepeatedFieldCount(field)).as(name).isPositive();
            } else {
                assertThat(message.hasField(field)).as(name).isTrue();
            }
            if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
                if (field.isRepeated()) {
                    for (int i = 0; i < message.getRepeatedFieldCount(field); i++) {
                        assertEveryFieldSet((Message) message.getRepeatedField(field, i));
                    }
                } else {
                    assertEveryFieldSet((Message) message.getField(field));
                }
            }
        }
    }
}
