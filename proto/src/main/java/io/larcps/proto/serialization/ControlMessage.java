package io.larcps.proto.serialization;

/**
 * Marks a Java record of an actor protocol that may cross the cluster. Such records are serialized by
 * {@link RecordMessageSerializer} (bound to this interface in reference.conf), so a protocol needs no
 * hand-written serializer: its components must be protobuf messages, typed ActorRefs, strings,
 * primitives, enums, nested records or lists of those. Tensors never go here: they travel on the
 * data plane.
 */
public interface ControlMessage {
}
