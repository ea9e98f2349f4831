package io.larcps.proto.serialization;

import com.google.protobuf.InvalidProtocolBufferException;
import io.larcps.proto.envelope.RecordEnvelope;
import java.io.NotSerializableException;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.SerializerWithStringManifest;

/**
 * Pekko serializer for actor-protocol records marked {@link ControlMessage}: protobuf on the wire
 * ({@link RecordEnvelope}), the record's class name as manifest. Only classes that are records and
 * implement {@link ControlMessage} are ever instantiated from a manifest, so a peer cannot make this
 * node construct arbitrary classes.
 */
public final class RecordMessageSerializer extends SerializerWithStringManifest {

    /** Globally unique among the system's serializers; next to {@link WireMessageSerializer#IDENTIFIER}. */
    public static final int IDENTIFIER = 917_312;

    private final ExtendedActorSystem system;
    private volatile RecordCodec codec;

    /** Pekko instantiates configured serializers reflectively through this constructor. */
    public RecordMessageSerializer(ExtendedActorSystem system) {
        this.system = system;
    }

    @Override
    public int identifier() {
        return IDENTIFIER;
    }

    @Override
    public String manifest(Object message) {
        return controlRecord(message).getClass().getName();
    }

    @Override
    public byte[] toBinary(Object message) {
        return codec().encode(controlRecord(message)).toByteArray();
    }

    @Override
    public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
        Class<?> type;
        try {
            type = system.dynamicAccess().getClassFor(manifest, scala.reflect.ClassTag.apply(Object.class)).get();
        } catch (Exception e) {
            // A newer node's message this node does not know: Pekko drops it with a warning.
            throw new NotSerializableException("unknown control message type " + manifest);
        }
        if (!type.isRecord() || !ControlMessage.class.isAssignableFrom(type)) {
            throw new NotSerializableException(manifest + " is not a ControlMessage record");
        }
        try {
            return codec().decode(type, RecordEnvelope.parseFrom(bytes));
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("corrupt " + manifest + ": " + e.getMessage(), e);
        }
    }

    private static Record controlRecord(Object message) {
        if (message instanceof ControlMessage && message instanceof Record record) {
            return record;
        }
        throw new IllegalArgumentException(RecordMessageSerializer.class.getSimpleName()
                + " serializes records implementing ControlMessage, not " + message.getClass().getName());
    }

    /** Built on first use: the typed resolver cannot be created while the system is starting. */
    private RecordCodec codec() {
        RecordCodec current = codec;
        if (current == null) {
            ActorRefResolver resolver = ActorRefResolver.get(Adapter.toTyped(system));
            current = new RecordCodec(resolver::toSerializationFormat, resolver::resolveActorRef);
            codec = current;
        }
        return current;
    }
}
