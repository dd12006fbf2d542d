package io.partnner.actors.wire;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.ByteBufferInput;
import com.esotericsoftware.kryo.io.ByteBufferOutput;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.Pool;
import io.partnner.actors.SegmentExecutorActor;
import io.partnner.runtime.wire.EncodedTensor;
import io.partnner.runtime.wire.ReceiveBuffers;
import io.partnner.runtime.wire.TensorKryo;
import io.partnner.runtime.wire.WireFormatException;
import java.io.NotSerializableException;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.ByteBufferSerializer;
import org.apache.pekko.serialization.SerializerWithStringManifest;

/**
 * Pekko serializer for {@link TensorMessage}s: each message written field by field with Kryo (registration
 * required, so a peer can never name a class to instantiate), tensors as bulk bytes. It also writes straight
 * into Artery's buffers ({@link ByteBufferSerializer}). Counts and sizes are checked before anything is
 * allocated; a malformed message is refused with the reason.
 */
public final class TensorMessageSerializer extends SerializerWithStringManifest implements ByteBufferSerializer {
  /** This serializer's id: stable forever, the same on every node. */
  public static final int IDENTIFIER = 731_901;

  static final String RUN = "run";
  static final String DONE = "done";
  static final String PROBE_UP = "probe-up";
  static final String PROBE_PAYLOAD = "probe-payload";

  /** Most tensors in one message, and most block times: far above any model, far below a memory problem. */
  private static final int MAX_ENTRIES = 65_536;
  private static final int MAX_STRING_CHARS = 4096;

  private final ExtendedActorSystem system;
  private final int maxTensorBytes;
  private final ReceiveBuffers receiveBuffers;
  private final Pool<Kryo> kryos;
  private volatile ActorRefResolver resolver;

  /** Created by Pekko with the system it serves. */
  public TensorMessageSerializer(ExtendedActorSystem system) {
    this.system = system;
    long configured = system.settings().config().getBytes("partnner.wire.max-tensor-bytes");
    if (configured <= 0 || configured > Integer.MAX_VALUE - 64) {
      throw new IllegalArgumentException(
          "partnner.wire.max-tensor-bytes must be in 1.." + (Integer.MAX_VALUE - 64) + ", got " + configured);
    }
    this.maxTensorBytes = (int) configured;
    long pooled = system.settings().config().getBytes("partnner.wire.receive-buffer-bytes");
    if (pooled < 0) {
      throw new IllegalArgumentException("partnner.wire.receive-buffer-bytes must not be negative, got " + pooled);
    }
    this.receiveBuffers = new ReceiveBuffers(pooled);
    this.kryos = new Pool<>(true, false, 64) {
      @Override
      protected Kryo create() {
        return TensorKryo.newKryo(maxTensorBytes, receiveBuffers);
      }
    };
  }

  /** The arrays received tensor payloads are read into; executors give them back after a run. */
  public ReceiveBuffers receiveBuffers() {
    return receiveBuffers;
  }

  @Override
  public int identifier() {
    return IDENTIFIER;
  }

  @Override
  public String manifest(Object message) {
    if (message instanceof SegmentExecutorActor.Run) {
      return RUN;
    } else if (message instanceof SegmentExecutorActor.Done) {
      return DONE;
    } else if (message instanceof SegmentExecutorActor.ProbeUp) {
      return PROBE_UP;
    } else if (message instanceof SegmentExecutorActor.ProbePayload) {
      return PROBE_PAYLOAD;
    }
    throw new IllegalArgumentException("no tensor wire format for " + message.getClass().getName());
  }

  @Override
  public byte[] toBinary(Object message) {
    Output output = new Output(4096, -1);
    write(message, output);
    return output.toBytes();
  }

  @Override
  public void toBinary(Object message, ByteBuffer buffer) {
    ByteBuffer target = buffer.slice();
    ByteBufferOutput output = new ByteBufferOutput(target);
    try {
      write(message, output);
    } catch (KryoException full) {
      if (String.valueOf(full.getMessage()).startsWith("Buffer overflow")) {
        // Artery reports an oversized message (and publishes Dropped) only for this exception.
        throw new BufferOverflowException();
      }
      throw full;
    }
    buffer.position(buffer.position() + output.position());
  }

  @Override
  public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
    return read(new Input(bytes), manifest);
  }

  @Override
  public Object fromBinary(ByteBuffer buffer, String manifest) throws NotSerializableException {
    return read(new ByteBufferInput(buffer.slice()), manifest);
  }

  private void write(Object message, Output output) {
    Kryo kryo = kryos.obtain();
    try {
      if (message instanceof SegmentExecutorActor.Run run) {
        output.writeLong(run.requestId());
        writeString(output, run.modelHash());
        output.writeInt(run.fromCut());
        output.writeInt(run.toCut());
        writeString(output, run.outputCodec());
        writeTensors(kryo, output, run.inputs());
        writeString(output, resolver().toSerializationFormat(run.replyTo()));
      } else if (message instanceof SegmentExecutorActor.Done done) {
        output.writeLong(done.requestId());
        writeString(output, done.executorId());
        output.writeInt(done.fromCut());
        output.writeInt(done.toCut());
        writeTensors(kryo, output, done.outputs());
        output.writeInt(done.blockNanos().size());
        for (long nanos : done.blockNanos()) {
          output.writeLong(nanos);
        }
        output.writeLong(done.queueNanos());
        output.writeLong(done.serviceNanos());
        output.writeLong(done.encodeNanos());
        output.writeInt(done.queueLength());
        output.writeLong(done.meanServiceNanos());
      } else if (message instanceof SegmentExecutorActor.ProbeUp probe) {
        output.writeLong(probe.probeId());
        output.writeInt(probe.part());
        writeBytes(output, probe.padding());
        writeString(output, resolver().toSerializationFormat(probe.replyTo()));
      } else if (message instanceof SegmentExecutorActor.ProbePayload payload) {
        output.writeLong(payload.probeId());
        output.writeInt(payload.part());
        writeBytes(output, payload.padding());
      } else {
        throw new IllegalArgumentException("no tensor wire format for " + message.getClass().getName());
      }
    } finally {
      kryos.free(kryo);
    }
  }

  private Object read(Input input, String manifest) throws NotSerializableException {
    Kryo kryo = kryos.obtain();
    try {
      switch (manifest) {
        case RUN -> {
          long requestId = input.readLong();
          String hash = readString(input, "model hash");
          int from = input.readInt();
          int to = input.readInt();
          String codec = readString(input, "codec");
          Map<String, EncodedTensor> inputs = readTensors(kryo, input);
          ActorRef<SegmentExecutorActor.Reply> replyTo = resolver().resolveActorRef(readString(input, "reply address"));
          return new SegmentExecutorActor.Run(requestId, hash, from, to, codec, inputs, replyTo);
        }
        case DONE -> {
          long requestId = input.readLong();
          String executor = readString(input, "executor id");
          int from = input.readInt();
          int to = input.readInt();
          Map<String, EncodedTensor> outputs = readTensors(kryo, input);
          int blocks = count(input.readInt(), "block times");
          List<Long> times = new ArrayList<>(blocks);
          for (int i = 0; i < blocks; i++) {
            times.add(input.readLong());
          }
          return new SegmentExecutorActor.Done(requestId, executor, from, to, outputs, times, input.readLong(),
              input.readLong(), input.readLong(), input.readInt(), input.readLong());
        }
        case PROBE_UP -> {
          long probeId = input.readLong();
          int part = input.readInt();
          byte[] padding = readBytes(input);
          ActorRef<SegmentExecutorActor.Reply> replyTo = resolver().resolveActorRef(readString(input, "reply address"));
          return new SegmentExecutorActor.ProbeUp(probeId, part, padding, replyTo);
        }
        case PROBE_PAYLOAD -> {
          return new SegmentExecutorActor.ProbePayload(input.readLong(), input.readInt(), readBytes(input));
        }
        default -> throw new NotSerializableException("unknown tensor message manifest '" + manifest + "'");
      }
    } catch (KryoException | WireFormatException | IllegalArgumentException malformed) {
      throw new NotSerializableException("malformed tensor message '" + manifest + "': " + malformed.getMessage());
    } finally {
      kryos.free(kryo);
    }
  }

  private void writeTensors(Kryo kryo, Output output, Map<String, EncodedTensor> tensors) {
    output.writeInt(tensors.size());
    for (Map.Entry<String, EncodedTensor> entry : tensors.entrySet()) {
      writeString(output, entry.getKey());
      kryo.writeObject(output, entry.getValue());
    }
  }

  private Map<String, EncodedTensor> readTensors(Kryo kryo, Input input) {
    int count = count(input.readInt(), "tensors");
    Map<String, EncodedTensor> tensors = new LinkedHashMap<>();
    for (int i = 0; i < count; i++) {
      String name = readString(input, "tensor name");
      tensors.put(name, kryo.readObject(input, EncodedTensor.class));
    }
    return tensors;
  }

  private void writeBytes(Output output, byte[] bytes) {
    if (bytes.length > maxTensorBytes) {
      throw new IllegalArgumentException("payload of " + bytes.length + " bytes is over partnner.wire.max-tensor-bytes ("
          + maxTensorBytes + ")");
    }
    output.writeInt(bytes.length);
    output.writeBytes(bytes);
  }

  private byte[] readBytes(Input input) {
    int length = input.readInt();
    if (length < 0 || length > maxTensorBytes) {
      throw new WireFormatException("payload length " + length + " is outside 0.." + maxTensorBytes);
    }
    if (length > input.limit() - input.position()) {
      throw new WireFormatException("payload claims " + length + " bytes, but the message holds only "
          + (input.limit() - input.position()));
    }
    return input.readBytes(length);
  }

  private static void writeString(Output output, String text) {
    output.writeString(text);
  }

  private static String readString(Input input, String what) {
    String text = input.readString();
    if (text == null || text.length() > MAX_STRING_CHARS) {
      throw new WireFormatException(what + " is missing or longer than " + MAX_STRING_CHARS + " characters");
    }
    return text;
  }

  private static int count(int value, String what) {
    if (value < 0 || value > MAX_ENTRIES) {
      throw new WireFormatException("count of " + what + " " + value + " is outside 0.." + MAX_ENTRIES);
    }
    return value;
  }

  private ActorRefResolver resolver() {
    ActorRefResolver known = resolver;
    if (known == null) {
      // Looked up on first use: serializers are built while the system starts, before extensions exist.
      known = ActorRefResolver.get(Adapter.toTyped(system));
      resolver = known;
    }
    return known;
  }
}
