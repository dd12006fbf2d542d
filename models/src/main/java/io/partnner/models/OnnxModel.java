package io.partnner.models;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * An ONNX model held in memory, with any external weight files read in, so that it and every piece
 * cut from it can be handed to ONNX Runtime as bytes.
 */
public final class OnnxModel {
  /** Protobuf's own hard limit for one message. */
  private static final long MAX_MODEL_BYTES = Integer.MAX_VALUE;

  private final String name;
  private final OnnxMl.ModelProto proto;
  private byte[] bytes;
  private String contentHash;

  private OnnxModel(String name, OnnxMl.ModelProto proto) {
    this.name = name;
    this.proto = proto;
  }

  /** Wraps a model built in memory (the zoo, tests). */
  public static OnnxModel of(String name, OnnxMl.ModelProto proto) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(proto, "proto");
    if (!proto.hasGraph() || proto.getGraph().getOutputCount() == 0) {
      throw new ModelException("model " + name + " has no graph outputs");
    }
    return new OnnxModel(name, proto);
  }

  /**
   * Parses a model received as bytes (a cloud node fetching it from the edge); the bytes are kept as
   * they came, so the content hash is the sender's.
   */
  public static OnnxModel parse(String name, byte[] bytes) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(bytes, "bytes");
    if (bytes.length == 0) {
      throw new ModelException("model " + name + ": no bytes");
    }
    OnnxMl.ModelProto proto;
    try {
      CodedInputStream coded = CodedInputStream.newInstance(bytes);
      coded.setSizeLimit(Integer.MAX_VALUE);
      proto = OnnxMl.ModelProto.parseFrom(coded);
    } catch (IOException e) {
      throw new ModelException("model " + name + ": not a valid ONNX model (" + e.getMessage() + ")", e);
    }
    if (!proto.hasGraph() || proto.getIrVersion() <= 0 || proto.getGraph().getOutputCount() == 0
        || proto.getOpsetImportCount() == 0) {
      throw new ModelException("model " + name + ": not an ONNX model (no ir_version, graph, outputs or opset_import)");
    }
    OnnxModel model = new OnnxModel(name, proto);
    model.bytes = bytes.clone();
    return model;
  }

  /**
   * Reads and checks an ONNX file: it must exist, be a non-empty ONNX protobuf with a graph, and its
   * external data files (if any) must be present next to it.
   */
  public static OnnxModel load(Path file) {
    String shown = file.toString();
    long size;
    try {
      size = Files.size(file);
    } catch (NoSuchFileException missing) {
      throw new ModelException("model file " + shown + ": no such file");
    } catch (IOException e) {
      throw new ModelException("model file " + shown + ": cannot read (" + e.getMessage() + ")", e);
    }
    if (Files.isDirectory(file)) {
      throw new ModelException("model file " + shown + ": is a directory, not an .onnx file");
    }
    if (size == 0) {
      throw new ModelException("model file " + shown + ": is empty");
    }
    if (size > MAX_MODEL_BYTES) {
      throw new ModelException(
          "model file " + shown + ": " + size + " bytes is over protobuf's 2 GiB limit; store the weights as external data");
    }
    OnnxMl.ModelProto proto;
    try (InputStream in = Files.newInputStream(file)) {
      CodedInputStream coded = CodedInputStream.newInstance(in);
      coded.setSizeLimit(Integer.MAX_VALUE);
      proto = OnnxMl.ModelProto.parseFrom(coded);
    } catch (InvalidProtocolBufferException e) {
      throw new ModelException(
          "model file " + shown + ": not a valid ONNX model (truncated or not protobuf: " + e.getMessage() + ")", e);
    } catch (IOException e) {
      throw new ModelException("model file " + shown + ": cannot read (" + e.getMessage() + ")", e);
    }
    if (!proto.hasGraph() || proto.getIrVersion() <= 0 || proto.getGraph().getOutputCount() == 0) {
      throw new ModelException(
          "model file " + shown + ": not an ONNX model (no ir_version, graph or graph outputs)");
    }
    if (proto.getOpsetImportCount() == 0) {
      throw new ModelException("model file " + shown + ": not an ONNX model (no opset_import)");
    }
    proto = ExternalData.inline(proto, file);
    String name = file.getFileName().toString().replaceFirst("\\.onnx$", "");
    return new OnnxModel(name, proto);
  }

  /** Short name: the file name without {@code .onnx}, or the zoo name. */
  public String name() {
    return name;
  }

  /** The model as protobuf, weights inline. */
  public OnnxMl.ModelProto proto() {
    return proto;
  }

  /** The serialized model, computed once. */
  public synchronized byte[] bytes() {
    if (bytes == null) {
      bytes = proto.toByteArray();
    }
    return bytes;
  }

  /** SHA-256 of {@link #bytes()} in hex: the model's identity between nodes. */
  public synchronized String contentHash() {
    if (contentHash == null) {
      try {
        contentHash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes()));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 is required of every JVM", e);
      }
    }
    return contentHash;
  }

  /** Writes the model to {@code file}, failing with the path and the reason. */
  public void write(Path file) {
    writeBytes(file, bytes());
  }

  static void writeBytes(Path file, byte[] content) {
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(content);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
    } catch (IOException e) {
      throw new ModelException("cannot write " + file + ": " + reason(e), e);
    }
  }

  static String reason(IOException e) {
    String kind = e.getClass().getSimpleName();
    return switch (kind) {
      case "AccessDeniedException" -> "permission denied";
      case "NoSuchFileException" -> "no such directory";
      case "FileSystemException" -> e.getMessage();
      default -> e.getMessage() == null ? kind : e.getMessage();
    };
  }

  static ByteString readRange(Path file, long offset, long length) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long available = channel.size() - offset;
      long wanted = length < 0 ? available : length;
      if (offset < 0 || wanted < 0 || wanted > available || wanted > Integer.MAX_VALUE) {
        throw new IOException("range " + offset + "+" + wanted + " is outside the file's " + channel.size() + " bytes");
      }
      java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate((int) wanted);
      while (buffer.hasRemaining()) {
        if (channel.read(buffer, offset + buffer.position()) < 0) {
          throw new IOException("file ended early");
        }
      }
      buffer.flip();
      return ByteString.copyFrom(buffer);
    }
  }

  @Override
  public String toString() {
    return "OnnxModel[" + name + "]";
  }
}
