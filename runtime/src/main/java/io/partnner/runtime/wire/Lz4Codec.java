package io.partnner.runtime.wire;

import io.partnner.runtime.tensor.Tensor;
import java.nio.ByteBuffer;
import java.util.Arrays;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * {@code lz4}: the tensor's bytes as one LZ4 block, lossless, any element type. The original length is
 * the header's; decompression uses the bounds-checked decompressor and must produce exactly that many
 * bytes. Compressors and decompressors from the factory are stateless and thread-safe.
 */
final class Lz4Codec implements WireCodec {
  private static final LZ4Factory LZ4 = LZ4Factory.fastestInstance();

  private final LZ4Compressor compressor = LZ4.fastCompressor();
  private final LZ4SafeDecompressor decompressor = LZ4.safeDecompressor();
  private final int maxTensorBytes;

  Lz4Codec(int maxTensorBytes) {
    this.maxTensorBytes = maxTensorBytes;
  }

  @Override
  public String name() {
    return CodecKind.LZ4.label();
  }

  @Override
  public boolean lossy() {
    return false;
  }

  @Override
  public boolean supports(Tensor tensor) {
    return true;
  }

  @Override
  public EncodedTensor encode(Tensor tensor) {
    ByteRegion source = ByteRegion.of(tensor);
    byte[] compressed = new byte[compressor.maxCompressedLength(source.length())];
    int length = compressor.compress(source.array(), source.offset(), source.length(), compressed, 0,
        compressed.length);
    // Do not keep a mostly empty worst-case buffer alive for the life of the encoding.
    if (length < compressed.length * 3L / 4) {
      compressed = Arrays.copyOf(compressed, length);
    }
    return EncodedTensor.create(CodecKind.LZ4, tensor.dataType(), tensor.shape(), new float[0], new int[0],
        Codecs.bytePayload(compressed, length), CodecError.NONE);
  }

  @Override
  public Tensor decode(EncodedTensor encoded) {
    Codecs.requireKind(this, encoded, CodecKind.LZ4);
    int original = encoded.originalBytes();
    if (original > maxTensorBytes) {
      throw new WireFormatException("lz4 payload claims " + original + " bytes, over the limit of " + maxTensorBytes);
    }
    ByteRegion source = ByteRegion.of(encoded.payloadTensor());
    byte[] restored = new byte[original];
    int produced;
    try {
      produced = decompressor.decompress(source.array(), source.offset(), source.length(), restored, 0, original);
    } catch (LZ4Exception corrupt) {
      throw new WireFormatException("lz4 payload of " + source.length() + " bytes does not decompress to the "
          + original + " bytes its header says: " + corrupt.getMessage(), corrupt);
    }
    if (produced != original) {
      throw new WireFormatException("lz4 payload decompressed to " + produced + " bytes but its header says "
          + original);
    }
    return Tensor.of(encoded.dataType(), encoded.shape(), ByteBuffer.wrap(restored));
  }

  @Override
  public String toString() {
    return name();
  }
}
