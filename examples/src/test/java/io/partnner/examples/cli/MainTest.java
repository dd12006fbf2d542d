package io.partnner.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command-line contracts of DESIGN section 10 and one clear error line per bad input. */
final class MainTest {
  private static final String FIXTURE =
      Path.of("../models/src/test/resources/fixtures/opset17_residual.onnx").toAbsolutePath().normalize().toString();

  @TempDir Path dir;

  private record Outcome(int status, String out, String err) {
    String lastLine() {
      String[] lines = out.strip().split("\n");
      return lines[lines.length - 1];
    }
  }

  private static Outcome run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Outcome(status, out.toString(), err.toString());
  }

  @Test
  void help_listsTheCommands() {
    Outcome outcome = run("--help");
    assertThat(outcome.status()).isZero();
    assertThat(outcome.out()).contains("inspect", "split", "verify-splits", "zoo");
  }

  @Test
  void inspectJson_followsTheContract() throws IOException {
    Outcome outcome = run("inspect", FIXTURE, "--json");
    assertThat(outcome.status()).isZero();
    JsonNode root = new ObjectMapper().readTree(outcome.out());
    assertThat(root.get("model").asText()).isEqualTo("opset17_residual");
    assertThat(root.get("inputs").get(0).get("dtype").asText()).isEqualTo("float32");
    JsonNode cuts = root.get("cuts");
    assertThat(cuts.size()).isGreaterThan(2);
    JsonNode first = cuts.get(0);
    assertThat(first.get("index").asInt()).isZero();
    assertThat(first.get("crossing").get(0).get("name").asText()).isEqualTo(root.get("inputs").get(0).get("name").asText());
    long bytes = 0;
    for (JsonNode tensor : cuts.get(1).get("crossing")) {
      bytes += tensor.get("bytes").asLong();
      assertThat(tensor.get("shape").isArray()).isTrue();
    }
    assertThat(cuts.get(1).get("bytes").asLong()).isEqualTo(bytes);
    JsonNode last = cuts.get(cuts.size() - 1);
    assertThat(last.get("crossing").size()).isZero();
    assertThat(last.get("flops_before").asDouble()).isEqualTo(1.0);
  }

  @Test
  void verifySplits_lastLineIsTheContract() {
    Outcome outcome = run("verify-splits", FIXTURE);
    assertThat(outcome.status()).isZero();
    assertThat(outcome.lastLine()).matches("verified \\d+ cuts, max abs diff \\d\\.\\d{3}e[-+]\\d+");
  }

  @Test
  void split_writesHeadAndTailThatLoad() throws IOException {
    Outcome outcome = run("split", FIXTURE, "--cut", "3", "--out", dir.resolve("pieces").toString());
    assertThat(outcome.status()).as(outcome.err()).isZero();
    assertThat(run("verify-splits", dir.resolve("pieces/head.onnx").toString()).status()).isZero();
    // The tail's input is an intermediate tensor whose dimensions it leaves open; fix them as a user would.
    JsonNode crossing = new ObjectMapper().readTree(run("inspect", FIXTURE, "--json").out()).get("cuts").get(3).get("crossing").get(0);
    StringBuilder dims = new StringBuilder();
    crossing.get("shape").forEach(d -> dims.append(dims.length() == 0 ? "" : "x").append(d.asLong()));
    Outcome tail = run("verify-splits", dir.resolve("pieces/tail.onnx").toString(),
        "--input-shape", crossing.get("name").asText() + "=" + dims);
    assertThat(tail.status()).as(tail.out() + tail.err()).isZero();
  }

  @Test
  void split_cloudOnlyAndEdgeOnly_writeTheOnePieceThereIs() throws IOException {
    Outcome cloudOnly = run("split", FIXTURE, "--cut", "0", "--out", dir.resolve("cloud").toString());
    assertThat(cloudOnly.status()).as(cloudOnly.err()).isZero();
    assertThat(cloudOnly.out()).contains("no head.onnx: cut 0 is cloud-only");
    assertThat(dir.resolve("cloud/head.onnx")).doesNotExist();
    assertThat(dir.resolve("cloud/tail.onnx")).isNotEmptyFile();
    int last = new ObjectMapper().readTree(run("inspect", FIXTURE, "--json").out()).get("cuts").size() - 1;
    Outcome edgeOnly = run("split", FIXTURE, "--cut", Integer.toString(last), "--out", dir.resolve("edge").toString());
    assertThat(edgeOnly.status()).as(edgeOnly.err()).isZero();
    assertThat(edgeOnly.out()).contains("no tail.onnx: cut " + last + " is edge-only");
    assertThat(dir.resolve("edge/head.onnx")).isNotEmptyFile();
  }

  @Test
  void zooExport_unwritableTarget_oneClearLine() throws IOException {
    Path file = Files.writeString(dir.resolve("a-file"), "x");
    Outcome outcome = run("zoo", "export", "mobilenet_v2", "--scale", "0.25", "--out", file.resolve("m.onnx").toString());
    assertThat(outcome.status()).isEqualTo(1);
    assertThat(outcome.err().lines().count()).isEqualTo(1);
    assertThat(outcome.err()).startsWith("partnner export: error: cannot write " + file.resolve("m.onnx"));
  }

  @Test
  void split_cutOutOfRange_oneClearLine() {
    Outcome outcome = run("split", FIXTURE, "--cut", "999", "--out", dir.toString());
    assertThat(outcome.status()).isEqualTo(1);
    assertThat(outcome.err().strip()).matches("partnner split: error: cut 999 is out of range: model opset17_residual has cuts 0\\.\\.\\d+");
  }

  @Test
  void split_outputDirectoryCannotBeCreated_oneClearLine() throws IOException {
    Path file = Files.writeString(dir.resolve("a-file"), "x");
    Outcome outcome = run("split", FIXTURE, "--cut", "1", "--out", file.resolve("sub").toString());
    assertThat(outcome.status()).isEqualTo(1);
    assertThat(outcome.err().strip())
        .isEqualTo("partnner split: error: output directory " + file.resolve("sub") + " cannot be created: "
            + file.resolve("sub") + ": Not a directory");
    Outcome onAFile = run("split", FIXTURE, "--cut", "1", "--out", file.toString());
    assertThat(onAFile.err().strip())
        .isEqualTo("partnner split: error: output directory " + file + " cannot be created: " + file + " is a file");
    assertThat(outcome.err().lines().count()).isEqualTo(1);
  }

  @Test
  void inspect_missingFile_oneClearLine() {
    Outcome outcome = run("inspect", dir.resolve("missing.onnx").toString());
    assertThat(outcome.status()).isEqualTo(1);
    assertThat(outcome.err().strip()).isEqualTo("partnner inspect: error: model file " + dir.resolve("missing.onnx") + ": no such file");
  }

  @Test
  void inspect_notAnOnnxFile_oneClearLine() throws IOException {
    Path junk = Files.write(dir.resolve("junk.onnx"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
    Outcome outcome = run("inspect", junk.toString());
    assertThat(outcome.status()).isEqualTo(1);
    assertThat(outcome.err().lines().count()).isEqualTo(1);
    assertThat(outcome.err()).contains("model file " + junk + ": not");
  }

  @Test
  void inspect_wrongInputShape_oneClearLine() {
    Outcome outcome = run("inspect", FIXTURE, "--input-shape", "input=1x3");
    assertThat(outcome.status()).isEqualTo(1);
    assertThat(outcome.err().lines().count()).isEqualTo(1);
    assertThat(outcome.err()).contains("--input-shape").contains("rank 2");
  }

  @Test
  void zoo_listsSixModelsAndRejectsUnknownNames() {
    Outcome list = run("zoo", "list");
    assertThat(list.status()).isZero();
    assertThat(list.out()).contains("alexnet", "vgg16", "resnet50", "mobilenet_v2");
    assertThat(list.out().strip().lines().count()).isEqualTo(6);
    Outcome unknown = run("inspect", "zoo:lenet");
    assertThat(unknown.status()).isEqualTo(1);
    assertThat(unknown.err()).startsWith("partnner inspect: error: ").contains("lenet");
  }

  @Test
  void benchBlocks_quickRun_printsTheThreeVariantsAndTheOverhead() {
    Outcome outcome = run("bench", "blocks", FIXTURE, "--runs", "2", "--warmup", "0");
    assertThat(outcome.status()).as(outcome.err()).isZero();
    assertThat(outcome.out()).contains("whole model, one session", "executor (grouped blocks)", "one session per candidate cut");
    assertThat(outcome.lastLine()).matches("block execution overhead -?\\d+\\.\\d%");
  }

  @Test
  void benchPlanner_smallModel_printsTheDecisionTime() {
    Outcome outcome = run("bench", "planner", "--cuts", "50", "--rounds", "20");
    assertThat(outcome.status()).as(outcome.err()).isZero();
    assertThat(outcome.lastLine()).matches("planner decision time \\d+\\.\\d us");
  }

  @Test
  void zooExport_smallVariant_verifiesAtEveryCut() {
    Path file = dir.resolve("mobilenet.onnx");
    Outcome export = run("zoo", "export", "mobilenet_v2", "--scale", "0.25", "--out", file.toString());
    assertThat(export.status()).as(export.err()).isZero();
    Outcome verify = run("verify-splits", file.toString(), "--quiet");
    assertThat(verify.status()).as(verify.out()).isZero();
    assertThat(verify.lastLine()).startsWith("verified ");
  }
}
