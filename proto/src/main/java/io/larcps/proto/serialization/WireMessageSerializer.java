package io.larcps.proto.serialization;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.larcps.proto.control.ControlProto;
import java.io.NotSerializableException;
import java.util.Map;
import java.util.TreeMap;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.serialization.SerializerWithStringManifest;

/**
 * Pekko serializer for the control-plane messages of control.proto. The manifest is the protobuf
 * full name (e.g. {@code larcps.StepPlan}), not a Java class name, so classes can move without
 * breaking a rolling upgrade. Bound to every control.proto message in reference.conf.
 */
public final class WireMessageSerializer extends SerializerWithStringManifest {

    /** Globally unique among the system's serializers; 0 to 40 are reserved for Pekko itself. */
    public static final int IDENTIFIER = 917_311;

    private final Map<String, Parser<? extends Message>> parsers = controlParsers();

    /** Pekko instantiates configured serializers reflectively through this constructor. */
    public WireMessageSerializer(ExtendedActorSystem system) {
        // The system is not needed: messages carry no actor references.
    }

    @Override
    public int identifier() {
        return IDENTIFIER;
    }

    @Override
    public String manifest(Object message) {
        if (message instanceof Message proto) {
            String name = proto.getDescriptorForType().getFullName();
            if (parsers.containsKey(name)) {
                return name;
            }
        }
        throw new IllegalArgumentException(getClass().getSimpleName()
                + " serializes only control.proto messages, not " + message.getClass().getName());
    }

    @Override
    public byte[] toBinary(Object message) {
        manifest(message);
        return ((Message) message).toByteArray();
    }

    @Override
    public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
        Parser<? extends Message> parser = parsers.get(manifest);
        if (parser == null) {
            // NotSerializableException tells Pekko to drop the message with a warning, which is what a
            // rolling upgrade needs when a newer node sends a message type this node does not know.
            throw new NotSerializableException("unknown control message manifest '" + manifest
                    + "' (serializer " + IDENTIFIER + " knows " + parsers.keySet() + ")");
        }
        try {
            return parser.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException(bytes.length + " bytes do not parse as " + manifest, e);
        }
    }

    /** The generated parser of every message declared in control.proto, keyed by full name. */
    private static Map<String, Parser<? extends Message>> controlParsers() {
        FileDescriptor file = ControlProto.getDescriptor();
        // java_multiple_files: each top-level message is the class <java_package>.<MessageName>.
        String javaPackage = file.getOptions().getJavaPackage();
        Map<String, Parser<? extends Message>> parsers = new TreeMap<>();
        for (Descriptor type : file.getMessageTypes()) {
            String className = javaPackage + "." + type.getName();
            try {
                Class<?> messageClass = Class.forName(className, true, WireMessageSerializer.class.getClassLoader());
                Message defaultInstance = (Message) messageClass.getMethod("getDefaultInstance").invoke(null);
                parsers.put(type.getFullName(), defaultInstance.getParserForType());
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("no generated class " + className + " for " + type.getFullName(), e);
            }
        }
        return Map.copyOf(parsers);
    }
}
