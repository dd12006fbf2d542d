package io.partnner.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/** {@code bench sim}: the table, the contract's last line, the JSON schema of the README, a well-formed chart. */
final class BenchSimCommandTest {
  @TempDir Path dir;

  private record Outcome(int status, String out, String err) {
    List<String> lines() {
      return out.strip().lines().toList();
    }
  }

  private static Outcome run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Outcome(status, out.toString(), err.toString());
  }

  @Test
  void benchSim_smallModel_printsTableSpeedUpsAndTheContractLastLine_andWritesJsonAndChart() throws Exception {
    Path trace = Files.writeString(dir.resolve("steps.csv"), "t_s,mbps\n0,8\n2,0.5\n4,8\n");
    Path json = dir.resolve("sim.json");
    Path chart = dir.resolve("sim.svg");
    Outcome outcome = run("bench", "sim", "--models", "zoo:mobilenet_v2@0.25", "--devices", "x10", "--links", "lte",
        "--trace", trace.toString(), "--load-steps", "1s:4,3s:0", "--requests", "200", "--profile-cache",
        dir.resolve("profiles").toString(), "--json", json.toString(), "--chart", chart.toString());
    assertThat(outcome.status()).as(outcome.err()).isZero();
    List<String> lines = outcome.lines();
    int header = lines.indexOf(lines.stream().filter(l -> l.startsWith("model ")).findFirst().orElseThrow());
    assertThat(lines.get(header)).contains("edge-only", "cloud-only", "neurosurgeon-10", "best-static", "partnner",
        "oracle", "p/oracle", "vs edge", "vs cloud");
    assertThat(lines.get(header + 1)).matches("mobilenet_v2@0\\.25 +x10 +lte( +\\d+\\.\\d\\d){6} +\\d\\.\\d{3}( +\\d+\\.\\d\\dx){2}");
    assertThat(lines.get(header + 2)).startsWith("mobilenet_v2@0.25 x10    steps.csv");
    assertThat(outcome.out()).contains("partnner speed-up over edge-only: average ", "(paper: 10.2x average, up to 21.1x)",
        "partnner speed-up over cloud-only: average ", "(paper: 3.2x average, up to 6.7x)",
        "convergence after steps", "more than 20%", "neurosurgeon-10 profiles every block 10 times per side",
        "requests finished on the edge after missing their cloud deadline (the predicted cloud part plus the largest of",
        "of 400 per strategy: edge-only 0, cloud-only ");
    String last = lines.get(lines.size() - 1);
    assertThat(last).matches("partnner/oracle mean latency ratio \\d+\\.\\d{3}");
    double ratio = Double.parseDouble(last.substring("partnner/oracle mean latency ratio ".length()));
    assertThat(ratio).isBetween(0.9, 2.0);

    JsonNode root = new ObjectMapper().readTree(json.toFile());
    assertThat(root.get("requests").asInt()).isEqualTo(200);
    assertThat(root.get("strategies")).hasSize(6);
    assertThat(root.get("scenarios")).hasSize(2);
    JsonNode preset = root.get("scenarios").get(0);
    assertThat(preset.get("link").get("kind").asText()).isEqualTo("preset");
    assertThat(preset.get("link").get("up_mbps").asDouble()).isEqualTo(6.0);
    JsonNode traced = root.get("scenarios").get(1);
    assertThat(traced.get("link").get("kind").asText()).isEqualTo("trace");
    assertThat(traced.get("link").get("rtt_ns").asLong()).isEqualTo(50_000_000L);
    assertThat(traced.get("link").get("rows")).hasSize(3);
    assertThat(traced.get("link").get("rows").get(1).get(1).asDouble()).isEqualTo(0.5);
    assertThat(traced.get("load").get("steps").get(0).get("queued").asInt()).isEqualTo(4);
    assertThat(traced.get("load").get("background_service_ns").asLong()).isPositive();
    assertThat(traced.get("result_bytes").asLong()).isPositive();
    JsonNode cuts = traced.get("cuts");
    assertThat(cuts.get(0).get("edge_ns").asDouble()).isZero();
    assertThat(cuts.get(cuts.size() - 1).get("cloud_ns").asDouble()).isZero();
    assertThat(cuts.get(0).get("codecs").get("raw").get("bytes").asLong()).isPositive();
    assertThat(cuts.get(0).get("codecs").get("raw").has("encode_ns")).isTrue();
    assertThat(traced.get("best_static_plan").has("cut")).isTrue();
    for (String strategy : List.of("edge-only", "cloud-only", "neurosurgeon-10", "best-static", "partnner", "oracle")) {
      JsonNode strategyRun = traced.get("runs").get(strategy);
      for (String field : List.of("start_ns", "cut", "codec", "latency_ns", "fell_back", "true_latency_ns",
          "oracle_latency_ns")) {
        assertThat(strategyRun.get(field)).as(strategy + " " + field).hasSize(200);
      }
    }
    // The mean of the per-request latencies is what the table shows, so the figures can be recomputed.
    JsonNode partnner = traced.get("runs").get("partnner");
    double sum = 0;
    for (JsonNode latency : partnner.get("latency_ns")) {
      sum += latency.asLong();
    }
    assertThat(sum / 200).isEqualTo(partnner.get("mean_ns").asDouble(), org.assertj.core.data.Offset.offset(1.0));
    // The edge-only run's true latency is the edge time of the edge-only cut.
    assertThat(traced.get("runs").get("edge-only").get("true_latency_ns").get(0).asDouble())
        .isEqualTo(cuts.get(cuts.size() - 1).get("edge_ns").asDouble(), org.assertj.core.data.Offset.offset(1.0));

    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    Document svg = factory.newDocumentBuilder().parse(chart.toFile());
    assertThat(svg.getDocumentElement().getLocalName()).isEqualTo("svg");
    assertThat(svg.getElementsByTagName("polyline").getLength()).isGreaterThanOrEqualTo(9);
    // With load steps every scenario changes over time, so the first one is charted.
    assertThat(outcome.out()).contains("chart of mobilenet_v2@0.25 x10 lte written to");
  }

  @Test
  void benchSim_badOptions_oneClearLineNamingOptionAndValue() {
    Outcome device = run("bench", "sim", "--models", "zoo:mobilenet_v2@0.25", "--devices", "fast", "--links", "lte");
    assertThat(device.status()).isEqualTo(1);
    assertThat(device.err().strip()).isEqualTo("partnner sim: error: --devices: 'fast' is not a slowdown factor such as x4");
    Outcome link = run("bench", "sim", "--models", "zoo:mobilenet_v2@0.25", "--links", "6g");
    assertThat(link.err().strip()).startsWith("partnner sim: error: --links: unknown link preset '6g'");
    Outcome steps = run("bench", "sim", "--models", "zoo:mobilenet_v2@0.25", "--links", "lte", "--load-steps", "20s-8");
    assertThat(steps.err().strip()).isEqualTo("partnner sim: error: --load-steps: '20s-8' is not TIME:QUEUE such as 20s:8");
    Outcome none = run("bench", "sim", "--models", "zoo:mobilenet_v2@0.25");
    assertThat(none.err().strip()).isEqualTo("partnner sim: error: give at least one link: --links 3g,lte,wifi,5g and/or --trace FILE");
  }

  @Test
  void benchSim_maxCodecError_allowsLossyCodecsWithinTheMeasuredOutputErrorAndSaysSo() throws Exception {
    Path json = dir.resolve("lossy.json");
    Outcome outcome = run("bench", "sim", "--models", "zoo:mobilenet_v2@0.25", "--devices", "x25", "--links", "3g",
        "--requests", "100", "--max-codec-error", "0.05", "--profile-cache", dir.resolve("profiles").toString(),
        "--json", json.toString());

    assertThat(outcome.status()).as(outcome.err()).isZero();
    assertThat(outcome.out()).contains("lossy codecs where their measured effect on the model output is at most 0.05",
        "requests sent with a lossy codec: partnner ");
    JsonNode root = new ObjectMapper().readTree(json.toFile());
    assertThat(root.get("max_codec_error").asDouble()).isEqualTo(0.05);
    JsonNode scenario = root.get("scenarios").get(0);
    boolean lossyCandidate = false;
    for (JsonNode candidate : scenario.get("candidates")) {
      String codec = candidate.get("codec").asText();
      if (codec.startsWith("int8") || codec.equals("float16")) {
        lossyCandidate = true;
        double error = scenario.get("cuts").get(candidate.get("cut").asInt()).get("codecs").get(codec)
            .get("relative_error").asDouble();
        assertThat(error).as("%s at cut %s", codec, candidate.get("cut")).isLessThanOrEqualTo(0.05);
      }
    }
    assertThat(lossyCandidate).isTrue();
    Outcome bad = run("bench", "sim", "--models", "zoo:mobilenet_v2@0.25", "--links", "3g", "--max-codec-error", "-1");
    assertThat(bad.err().strip()).isEqualTo("partnner sim: error: --max-codec-error must be between 0 and 1, got -1.0");
  }

  @Test
  void parseLoadSteps_secondsMillisAndBareNumbers() {
    assertThat(BenchSimCommand.parseLoadSteps("20s:8, 1500ms:2,3:0")).extracting(s -> s.atNanos() + ":" + s.queuedRequests())
        .containsExactly("20000000000:8", "1500000000:2", "3000000000:0");
  }
}
