package io.larcps.proto.serialization;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.larcps.proto.envelope.RecordEnvelope;
import io.larcps.proto.envelope.Value;
import io.larcps.proto.envelope.ValueList;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Converts records to and from {@link RecordEnvelope}s by their components. The reflective lookups
 * are cached per class: control messages are small and rare, so this is never on a hot path.
 */
final class RecordCodec {
    private final Map<Class<?>, Shape> shapes = new ConcurrentHashMap<>();
    private final Function<ActorRef<?>, String> refToString;
    private final Function<String, ActorRef<?>> refFromString;

    RecordCodec(Function<ActorRef<?>, String> refToString, Function<String, ActorRef<?>> refFromString) {
        this.refToString = refToString;
        this.refFromString = refFromString;
    }

    RecordEnvelope encode(Record record) {
        Shape shape = shape(record.getClass());
        RecordEnvelope.Builder envelope = RecordEnvelope.newBuilder();
        for (int i = 0; i < shape.components.length; i++) {
            Object value;
            try {
                value = shape.accessors[i].invoke(record);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalArgumentException("cannot read " + describe(shape, i), e);
            }
            envelope.addComponents(encodeValue(value, shape.components[i].getGenericType(), shape, i));
        }
        return envelope.build();
    }

    Record decode(Class<?> type, RecordEnvelope envelope) {
        Shape shape = shape(type);
        if (envelope.getComponentsCount() != shape.components.length) {
            throw new IllegalArgumentException(type.getName() + " has " + shape.components.length
                    + " components, the message carries " + envelope.getComponentsCount());
        }
        Object[] arguments = new Object[shape.components.length];
        for (int i = 0; i < arguments.length; i++) {
            arguments[i] = decodeValue(envelope.getComponents(i), shape.components[i].getGenericType(), shape, i);
        }
        try {
            return (Record) shape.constructor.newInstance(arguments);
        } catch (InvocationTargetException e) {
            throw new IllegalArgumentException("the received " + type.getSimpleName() + " is invalid: "
                    + e.getCause().getMessage(), e.getCause());
        } catch (InstantiationException | IllegalAccessException e) {
            throw new IllegalArgumentException("cannot construct " + type.getName(), e);
        }
    }

    private Value encodeValue(Object value, Type declared, Shape shape, int index) {
        Value.Builder out = Value.newBuilder();
        if (value == null) {
            return out.build();
        }
        if (value instanceof Message message) {
            return out.setMessage(message.toByteString()).build();
        }
        if (value instanceof ActorRef<?> ref) {
            return out.setActorRef(refToString.apply(ref)).build();
        }
        if (value instanceof String text) {
            return out.setText(text).build();
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return out.setInteger(((Number) value).longValue()).build();
        }
        if (value instanceof Double || value instanceof Float) {
            return out.setReal(((Number) value).doubleValue()).build();
        }
        if (value instanceof Boolean flag) {
            return out.setFlag(flag).build();
        }
        if (value instanceof Enum<?> constant) {
            return out.setEnumName(constant.name()).build();
        }
        if (value instanceof Record record) {
            return out.setRecord(encode(record)).build();
        }
        if (value instanceof List<?> list) {
            Type element = elementType(declared, shape, index);
            ValueList.Builder elements = ValueList.newBuilder();
            for (Object item : list) {
                elements.addElements(encodeValue(item, element, shape, index));
            }
            return out.setList(elements).build();
        }
        throw new IllegalArgumentException(describe(shape, index) + " has type " + value.getClass().getName()
                + ", which a ControlMessage cannot carry");
    }

    private Object decodeValue(Value value, Type declared, Shape shape, int index) {
        Class<?> raw = rawClass(declared);
        if (value.getKindCase() == Value.KindCase.KIND_NOT_SET) {
            if (raw.isPrimitive()) {
                throw new IllegalArgumentException(describe(shape, index) + " is primitive but arrived as null");
            }
            return null;
        }
        switch (value.getKindCase()) {
            case MESSAGE:
                return parseMessage(raw, value, shape, index);
            case ACTOR_REF:
                return refFromString.apply(value.getActorRef());
            case TEXT:
                return value.getText();
            case INTEGER:
                return narrow(value.getInteger(), raw, shape, index);
            case REAL:
                return raw == float.class || raw == Float.class ? (Object) (float) value.getReal() : (Object) value.getReal();
            case FLAG:
                return value.getFlag();
            case ENUM_NAME:
                return enumConstant(raw, value.getEnumName(), shape, index);
            case RECORD:
                return decode(raw, value.getRecord());
            case LIST:
                Type element = elementType(declared, shape, index);
                List<Object> items = new ArrayList<>();
                for (Value item : value.getList().getElementsList()) {
                    items.add(decodeValue(item, element, shape, index));
                }
                return List.copyOf(items);
            default:
                throw new IllegalArgumentException(describe(shape, index) + ": unknown value kind " + value.getKindCase());
        }
    }

    private static Object parseMessage(Class<?> raw, Value value, Shape shape, int index) {
        if (!Message.class.isAssignableFrom(raw)) {
            throw new IllegalArgumentException(describe(shape, index) + " is not a protobuf message");
        }
        try {
            Method parseFrom = raw.getMethod("parseFrom", com.google.protobuf.ByteString.class);
            return parseFrom.invoke(null, value.getMessage());
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof InvalidProtocolBufferException bad) {
                throw new IllegalArgumentException(describe(shape, index) + ": corrupt bytes: " + bad.getMessage(), bad);
            }
            throw new IllegalArgumentException(describe(shape, index) + ": cannot parse", e.getCause());
        } catch (NoSuchMethodException | IllegalAccessException e) {
            throw new IllegalArgumentException(describe(shape, index) + ": no protobuf parser on " + raw.getName(), e);
        }
    }

    private static Object narrow(long value, Class<?> raw, Shape shape, int index) {
        if (raw == long.class || raw == Long.class) {
            return value;
        }
        if (raw == int.class || raw == Integer.class) {
            return Math.toIntExact(value);
        }
        if (raw == short.class || raw == Short.class) {
            return (short) value;
        }
        if (raw == byte.class || raw == Byte.class) {
            return (byte) value;
        }
        throw new IllegalArgumentException(describe(shape, index) + " is not an integer");
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object enumConstant(Class<?> raw, String name, Shape shape, int index) {
        if (!raw.isEnum()) {
            throw new IllegalArgumentException(describe(shape, index) + " is not an enum");
        }
        return Enum.valueOf((Class) raw, name);
    }

    private static Type elementType(Type declared, Shape shape, int index) {
        if (declared instanceof ParameterizedType parameterized && parameterized.getActualTypeArguments().length == 1) {
            return parameterized.getActualTypeArguments()[0];
        }
        throw new IllegalArgumentException(describe(shape, index) + " must be declared as List<ElementType>");
    }

    private static Class<?> rawClass(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType parameterized) {
            return (Class<?>) parameterized.getRawType();
        }
        return Object.class;
    }

    private Shape shape(Class<?> type) {
        return shapes.computeIfAbsent(type, Shape::of);
    }

    private static String describe(Shape shape, int index) {
        return shape.type.getSimpleName() + "." + shape.components[index].getName();
    }

    /** A record class's components, accessors and canonical constructor. */
    private record Shape(Class<?> type, RecordComponent[] components, Method[] accessors, Constructor<?> constructor) {
        static Shape of(Class<?> type) {
            if (!type.isRecord()) {
                throw new IllegalArgumentException(type.getName() + " is not a record");
            }
            RecordComponent[] components = type.getRecordComponents();
            Method[] accessors = new Method[components.length];
            Class<?>[] parameterTypes = new Class<?>[components.length];
            for (int i = 0; i < components.length; i++) {
                accessors[i] = components[i].getAccessor();
                accessors[i].setAccessible(true);
                parameterTypes[i] = components[i].getType();
            }
            try {
                Constructor<?> constructor = type.getDeclaredConstructor(parameterTypes);
                constructor.setAccessible(true);
                return new Shape(type, components, accessors, constructor);
            } catch (NoSuchMethodException e) {
                throw new IllegalArgumentException(type.getName() + " has no canonical constructor", e);
            }
        }
    }
}
