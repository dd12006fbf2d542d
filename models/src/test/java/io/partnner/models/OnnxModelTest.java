package io.partnner.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of bad model file gives one clear error naming the file and the reason. */
final class OnnxModelTest {
  @TempDir Path dir;

  @Test
  void load_missingFile_namesFileAndSaysMissing() {
    Path missing = dir.resolve("nope.onnx");
    assertThatThrownBy(() -> OnnxModel.load(missing))
        .isInstanceOf(ModelException.class)
        .hasMessage("model file " + missing + ": no such file");
  }

  @Test
  void load_emptyFile_saysEmpty() throws IOException {
    Path empty = Files.createFile(dir.resolve("empty.onnx"));
    assertThatThrownBy(() -> OnnxModel.load(empty)).hasMessage("model file " + empty + ": is empty");
  }

  @Test
  void load_directory_saysDirectory() {
    assertThatThrownBy(() -> OnnxModel.load(dir)).hasMessageContaining("is a directory");
  }

  @Test
  void load_truncatedFile_saysNotValid() throws IOException {
    byte[] whole = Files.readAllBytes(SharedFiles.fixture("opset17_residual.onnx"));
    Path truncated = dir.resolve("truncated.onnx");
    Files.write(truncated, Arrays.copyOf(whole, whole.length / 2));
    assertThatThrownBy(() -> OnnxModel.load(truncated))
        .isInstanceOf(ModelException.class)
        .hasMessageStartingWith("model file " + truncated + ": not")
        .hasMessageContaining("ONNX model");
  }

  @Test
  void load_textFile_saysNotOnnx() throws IOException {
    Path text = dir.resolve("readme.onnx");
    Files.writeString(text, "this is not a model, just some text\n");
    assertThatThrownBy(() -> OnnxModel.load(text))
        .isInstanceOf(ModelException.class)
        .hasMessageStartingWith("model file " + text + ": not");
  }

  @Test
  void analyze_modelOnnxRuntimeRefuses_namesModelAndRuntimeReason() throws IOException {
    OnnxMl.ModelProto good = OnnxModel.load(SharedFiles.fixture("opset17_residual.onnx")).proto();
    OnnxMl.GraphProto.Builder graph = good.getGraph().toBuilder();
    graph.setNode(0, graph.getNode(0).toBuilder().setOpType("NoSuchOperator"));
    Path bad = dir.resolve("unknown_op.onnx");
    Files.write(bad, good.toBuilder().setGraph(graph).build().toByteArray());
    assertThatThrownBy(() -> PartitionedModel.analyze(OnnxModel.load(bad), InputShapes.none()))
        .isInstanceOf(ModelException.class)
        .hasMessageStartingWith("ONNX Runtime refused model unknown_op: ")
        .hasMessageContaining("NoSuchOperator");
  }

  @Test
  void load_externalDataPresent_inlinesWeights() throws IOException {
    Path model = writeWithExternalWeights(true);
    OnnxModel loaded = OnnxModel.load(model);
    assertThat(loaded.proto().getGraph().getInitializerList())
        .allSatisfy(t -> assertThat(t.getDataLocation()).isEqualTo(OnnxMl.TensorProto.DataLocation.DEFAULT));
    PartitionedModel analysed = PartitionedModel.analyze(loaded, InputShapes.none());
    assertThat(new SplitVerifier(analysed).verifyAll(c -> { }).passed()).isTrue();
  }

  @Test
  void load_externalDataMissing_namesDataFileAndTensor() throws IOException {
    Path model = writeWithExternalWeights(false);
    assertThatThrownBy(() -> OnnxModel.load(model))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining("model file " + model)
        .hasMessageContaining("weights.bin")
        .hasMessageContaining("the file is missing");
  }

  @Test
  void load_duplicateTensorDefinition_isRejected() throws IOException {
    OnnxMl.ModelProto good = OnnxModel.load(SharedFiles.fixture("opset17_residual.onnx")).proto();
    OnnxMl.GraphProto.Builder graph = good.getGraph().toBuilder();
    String firstOutput = graph.getNode(0).getOutput(0);
    graph.setNode(1, graph.getNode(1).toBuilder().setOutput(0, firstOutput));
    OnnxModel model = OnnxModel.of("dup", good.toBuilder().setGraph(graph).build());
    assertThatThrownBy(() -> PartitionedModel.analyze(model, InputShapes.none()))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining("'" + firstOutput + "' is defined more than once");
  }

  /** The residual fixture with all its weights moved to {@code weights.bin}. */
  private Path writeWithExternalWeights(boolean writeData) throws IOException {
    OnnxMl.ModelProto model = OnnxModel.load(SharedFiles.fixture("opset17_residual.onnx")).proto();
    OnnxMl.GraphProto.Builder graph = model.getGraph().toBuilder();
    ByteString.Output data = ByteString.newOutput();
    for (int i = 0; i < graph.getInitializerCount(); i++) {
      OnnxMl.TensorProto tensor = graph.getInitializer(i);
      if (!tensor.hasRawData() || tensor.getRawData().isEmpty()) {
        continue;
      }
      long offset = data.size();
      tensor.getRawData().writeTo(data);
      graph.setInitializer(i, tensor.toBuilder()
          .clearRawData()
          .setDataLocation(OnnxMl.TensorProto.DataLocation.EXTERNAL)
          .addAllExternalData(List.of(
              entry("location", "weights.bin"),
              entry("offset", Long.toString(offset)),
              entry("length", Long.toString(tensor.getRawData().size())))));
    }
    Path file = dir.resolve("external.onnx");
    Files.write(file, model.toBuilder().setGraph(graph).build().toByteArray());
    if (writeData) {
      Files.write(dir.resolve("weights.bin"), data.toByteString().toByteArray());
    }
    return file;
  }

  private static OnnxMl.StringStringEntryProto entry(String key, String value) {
    return OnnxMl.StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
  }
}
