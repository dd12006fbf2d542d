package io.partnner.runtime.serve;

import static org.assertj.core.api.Assertions.assertThat;

import io.partnner.runtime.model.CutPoint;
import io.partnner.runtime.model.DataType;
import io.partnner.runtime.model.ModelProfile;
import io.partnner.runtime.model.TensorSpec;
import io.partnner.runtime.plan.LatencyBreakdown;
import io.partnner.runtime.plan.Observation;
import io.partnner.runtime.plan.Plan;
import io.partnner.runtime.plan.Prediction;
import io.partnner.runtime.tensor.Tensor;
import io.partnner.runtime.wire.EncodedTensor;
import io.partnner.runtime.wire.WireCodecs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The request flow without actors: every path of a request, each answered exactly once. */
final class RequestFlowTest {
  private static final List<Long> SHAPE = List.of(1L, 2L);
  private static final TensorSpec X = new TensorSpec("x", DataType.FLOAT32, SHAPE);
  private static final TensorSpec H = new TensorSpec("h", DataType.FLOAT32, SHAPE);
  private static final TensorSpec Y = new TensorSpec("y", DataType.FLOAT32, SHAPE);
  // x -> block 0 -> h -> block 1 -> y; cut 1 sends h up, cut 2 is edge-only.
  private static final ModelProfile PROFILE = new ModelProfile("m", "hash", List.of(X), List.of(Y),
      List.of(new CutPoint(0, 0, List.of(X), true, 0), new CutPoint(1, 1, List.of(H), true, 0.5),
          new CutPoint(2, 2, List.of(), true, 1)), List.of(1.0, 1.0));
  private static final long DEADLINE = 3_000_000_000L;
  private static final Plan SPLIT = new Plan(1, "raw");
  private static final Plan EDGE_ONLY = new Plan(2, "raw");

  /** Records every action, in order. */
  private static final class RecordingActions implements RequestFlow.Actions<String> {
    final List<String> log = new ArrayList<>();
    final List<Object> answers = new ArrayList<>();
    final List<Observation> observed = new ArrayList<>();

    @Override
    public void runOnEdge(long requestId, int fromCut, int toCut, String outputCodec, Map<String, EncodedTensor> inputs) {
      log.add("edge " + requestId + " " + fromCut + ".." + toCut + " " + inputs.keySet());
    }

    @Override
    public void sendToCloud(PendingRequest<String> request, String executorId, long bytes, long nowNanos) {
      log.add("cloud " + request.id() + " " + executorId + " " + request.crossing().keySet());
    }

    @Override
    public void leftCloud(long requestId) {
      log.add("left " + requestId);
    }

    @Override
    public void answer(String replyTo, InferenceResult result) {
      answers.add(result);
      log.add("answer " + replyTo + " by " + result.servedBy());
    }

    @Override
    public void reject(String replyTo, String kind, String reason) {
      answers.add(kind + ": " + reason);
      log.add("reject " + replyTo + " " + kind);
    }

    @Override
    public void observe(Observation observation) {
      observed.add(observation);
    }

    @Override
    public void pathDown(String reason) {
      log.add("path down");
    }

    @Override
    public void fellBack(long requestId, String reason) {
      log.add("fell back " + requestId);
    }
  }

  private final RecordingActions actions = new RecordingActions();
  private final RequestFlow<String> flow = new RequestFlow<>(PROFILE, new RequestFlow.Settings(2, DEADLINE, 2), actions);

  private static Map<String, Tensor> input(float a, float b) {
    return Map.of("x", Tensor.ofFloats(SHAPE, new float[] {a, b}));
  }

  private static Map<String, EncodedTensor> raw(String name, float a, float b) {
    return Map.of(name, WireCodecs.byName("raw").encode(Tensor.ofFloats(SHAPE, new float[] {a, b})));
  }

  private static float[] y(Object answer) {
    return ((InferenceResult) answer).outputs().get("y").toFloatArray();
  }

  @Test
  void split_headOnTheEdge_tailOnTheCloud_answeredOnceWithTheCloudsOutputs() {
    flow.executorsChanged(Set.of("c1"), 0);
    flow.planChanged(SPLIT, Optional.empty(), 0);
    flow.infer("app", input(1, 2), 10);
    flow.edgeDone(1, 0, 1, raw("h", 2, 3), List.of(5L), 100, 10, 200);
    assertThat(flow.cloudReceived(1, "c1", 300)).isTrue();
    flow.cloudDone(1, "c1", 1, raw("y", 7, 8), List.of(6L), 20, 50, 1_000);
    flow.cloudDone(1, "c1", 1, raw("y", 7, 8), List.of(6L), 20, 50, 1_100);

    assertThat(actions.log).containsExactly("edge 1 0..1 [x]", "cloud 1 c1 [h]", "left 1", "answer app by c1");
    InferenceResult result = (InferenceResult) actions.answers.get(0);
    assertThat(y(result)).containsExactly(7, 8);
    assertThat(result.plan()).isEqualTo(SPLIT);
    assertThat(result.latency().totalNanos()).isEqualTo(990);
    assertThat(result.latency().linkUpNanos()).isEqualTo(100);
    assertThat(result.latency().edgeNanos()).isEqualTo(90);
    assertThat(flow.stats().lateReplies()).isEqualTo(1);
    assertThat(flow.stats().answered()).isEqualTo(1);
    assertThat(actions.observed).hasSize(3);
    assertThat(flow.idle()).isTrue();
  }

  @Test
  void requestsBeforeTheFirstPlanWait_andStartWhenItComes() {
    flow.infer("early", input(1, 2), 0);
    assertThat(actions.log).isEmpty();
    flow.planChanged(EDGE_ONLY, Optional.empty(), 5);
    assertThat(actions.log).containsExactly("edge 1 0..2 [x]");
    flow.edgeDone(1, 0, 2, raw("y", 3, 4), List.of(1L, 1L), 40, 0, 50);
    assertThat(y(actions.answers.get(0))).containsExactly(3, 4);
  }

  @Test
  void explorationServesExactlyOneRequest() {
    flow.executorsChanged(Set.of("c1"), 0);
    flow.planChanged(EDGE_ONLY, Optional.empty(), 0);
    flow.exploreOnce(SPLIT, Optional.empty());
    flow.infer("a", input(1, 2), 0);
    flow.infer("b", input(1, 2), 0);
    assertThat(actions.log).containsExactly("edge 1 0..1 [x]", "edge 2 0..2 [x]");
  }

  @Test
  void aFullFlowAnswersOverloadedAtOnce_andBadInputIsRejectedNamingTheTensor() {
    flow.planChanged(EDGE_ONLY, Optional.empty(), 0);
    flow.infer("a", input(1, 2), 0);
    flow.infer("b", input(1, 2), 0);
    flow.infer("c", input(1, 2), 0);
    flow.infer("d", Map.of(), 0);
    assertThat(actions.log).containsExactly("edge 1 0..2 [x]", "edge 2 0..2 [x]", "reject c overloaded",
        "reject d invalid-input");
    assertThat((String) actions.answers.get(0)).contains("2 requests in flight", "max-in-flight = 2");
    assertThat((String) actions.answers.get(1)).contains("input 'x' is missing");
    assertThat(flow.stats().rejected()).isEqualTo(1);
  }

  @Test
  void splitWithoutAnyCloudExecutor_runsTheWholeModelOnTheEdgeAndSaysWhy() {
    flow.planChanged(SPLIT, Optional.empty(), 0);
    flow.infer("a", input(1, 2), 0);
    flow.edgeDone(1, 0, 2, raw("y", 1, 1), List.of(1L, 1L), 10, 0, 20);
    assertThat(actions.log).containsExactly("edge 1 0..2 [x]", "answer a by edge");
    assertThat(((InferenceResult) actions.answers.get(0)).fallback()).contains("no cloud executor available");
  }

  @Test
  void executorThatLeaves_handsItsRequestToAnotherExecutor_thenTheEdge() {
    flow.executorsChanged(Set.of("c1", "c2"), 0);
    flow.planChanged(SPLIT, Optional.empty(), 0);
    flow.infer("a", input(1, 2), 0);
    flow.edgeDone(1, 0, 1, raw("h", 2, 3), List.of(5L), 100, 10, 200);
    String first = actions.log.get(1).split(" ")[2];
    String second = first.equals("c1") ? "c2" : "c1";

    flow.executorsChanged(Set.of(second), 300);
    assertThat(actions.log.subList(2, actions.log.size()))
        .containsExactly("fell back 1", "left 1", "cloud 1 " + second + " [h]");
    // The second executor refuses: two attempts used, so the edge finishes from the kept crossing tensor.
    flow.cloudFailed(1, second, "executor " + second + " refused: queue full", 400);
    assertThat(actions.log.subList(5, actions.log.size())).containsExactly("fell back 1", "left 1", "edge 1 1..2 [h]");
    // A late answer of the first executor is ignored; the edge's answer is the one.
    flow.cloudDone(1, first, 1, raw("y", 9, 9), List.of(), 0, 0, 450);
    flow.edgeDone(1, 1, 2, raw("y", 4, 5), List.of(1L), 30, 0, 500);
    assertThat(actions.answers).hasSize(1);
    assertThat(y(actions.answers.get(0))).containsExactly(4, 5);
    InferenceResult result = (InferenceResult) actions.answers.get(0);
    assertThat(result.servedBy()).isEqualTo("edge");
    assertThat(result.fallback()).get().asString().contains("left or became unreachable").contains("queue full");
    assertThat(result.latency().fallbackNanos()).isEqualTo(200);
    assertThat(flow.stats().fallbacks()).isEqualTo(2);
    assertThat(flow.stats().lateReplies()).isEqualTo(1);
  }

  @Test
  void missedDeadline_putsThePathDownAndFinishesOnTheEdgeWithoutTryingAnotherExecutor() {
    flow.executorsChanged(Set.of("c1", "c2"), 0);
    flow.planChanged(SPLIT, Optional.empty(), 0);
    flow.infer("a", input(1, 2), 0);
    flow.edgeDone(1, 0, 1, raw("h", 2, 3), List.of(5L), 100, 10, 200);
    flow.tick(200 + DEADLINE - 1);
    assertThat(actions.log).hasSize(2);
    flow.tick(200 + DEADLINE);
    assertThat(actions.log.subList(2, actions.log.size()))
        .containsExactly("path down", "fell back 1", "left 1", "edge 1 1..2 [h]");
  }

  @Test
  void droppedMessage_fallsBackAtOnce_butOnlyForARequestInTheCloud() {
    flow.executorsChanged(Set.of("c1"), 0);
    flow.planChanged(SPLIT, Optional.empty(), 0);
    flow.infer("a", input(1, 2), 0);
    flow.dropped(1, "too large", 50);
    assertThat(actions.log).containsExactly("edge 1 0..1 [x]");
    flow.edgeDone(1, 0, 1, raw("h", 2, 3), List.of(5L), 100, 10, 200);
    flow.dropped(1, "too large", 250);
    // The only executor is the one that lost it: the edge finishes.
    assertThat(actions.log.subList(2, actions.log.size())).containsExactly("fell back 1", "left 1", "edge 1 1..2 [h]");
    assertThat(flow.stats().fallbacks()).isEqualTo(1);
  }

  @Test
  void edgeFailure_isTheRequestsOneAnswer() {
    flow.planChanged(EDGE_ONLY, Optional.empty(), 0);
    flow.infer("a", input(1, 2), 0);
    flow.edgeFailed(1, "ONNX Runtime failed");
    flow.edgeFailed(1, "again");
    flow.edgeDone(1, 0, 2, raw("y", 1, 1), List.of(), 1, 0, 2);
    assertThat(actions.log).containsExactly("edge 1 0..2 [x]", "reject a failed");
    assertThat((String) actions.answers.get(0)).contains("request 1 failed: ONNX Runtime failed");
    assertThat(flow.stats().failed()).isEqualTo(1);
  }

  @Test
  void receiptFromAnExecutorThatNoLongerHoldsTheRequest_isNotCounted() {
    flow.executorsChanged(Set.of("c1"), 0);
    flow.planChanged(SPLIT, Optional.empty(), 0);
    flow.infer("a", input(1, 2), 0);
    flow.edgeDone(1, 0, 1, raw("h", 2, 3), List.of(5L), 100, 10, 200);
    assertThat(flow.cloudReceived(1, "c9", 300)).isFalse();
    assertThat(flow.cloudReceived(2, "c1", 300)).isFalse();
  }

  // Cloud part 100 ms (rtt 20, up 30, cloud 40, down 10); finishing on the edge would take 30 ms more.
  private static final Optional<Prediction> PREDICTED = Optional.of(new Prediction(
      new LatencyBreakdown(5e6, 0, 20e6, 30e6, 0, 40e6, 10e6, 0), 30e6));

  @Test
  void withAPrediction_anAnswerOverdueAgainstItIsTakenBackAtTwiceTheCloudPart_andThePlannerLearnsWhatWasLate() {
    flow.executorsChanged(Set.of("c1"), 0);
    flow.planChanged(SPLIT, PREDICTED, 0);
    flow.infer("a", input(1, 2), 0);
    flow.edgeDone(1, 0, 1, raw("h", 2, 3), List.of(5L), 100, 10, 1_000);
    actions.observed.clear();

    flow.tick(1_000 + 200_000_000 - 1);
    assertThat(actions.log).hasSize(2);
    flow.tick(1_000 + 200_000_000);
    // No path-down: the planner re-plans from the overdue observation instead.
    assertThat(actions.log.subList(2, actions.log.size())).containsExactly("fell back 1", "left 1", "edge 1 1..2 [h]");
    assertThat(actions.observed).singleElement().isInstanceOfSatisfying(Observation.CloudOverdue.class, overdue -> {
      assertThat(overdue.plan()).isEqualTo(SPLIT);
      assertThat(overdue.ackedNanos()).isEmpty();
      assertThat(overdue.sentNanos()).isEqualTo(1_000);
      assertThat(overdue.bytes()).isPositive();
    });
    flow.edgeDone(1, 1, 2, raw("y", 1, 1), List.of(1L), 10, 0, 200_100_000);
    assertThat(((InferenceResult) actions.answers.get(0)).fallback()).get().asString()
        .contains("no answer from c1 after 200.0 ms, predicted 105.0 ms (no receipt)");
  }

  @Test
  void withAPrediction_theReceiptRestartsTheClockForWhatIsLeft() {
    flow.executorsChanged(Set.of("c1"), 0);
    flow.planChanged(SPLIT, PREDICTED, 0);
    flow.infer("a", input(1, 2), 0);
    flow.edgeDone(1, 0, 1, raw("h", 2, 3), List.of(5L), 100, 10, 0);
    // The crossing took 150 ms up instead of 40; from the receipt the rest (cloud 40 + down 10) gets 50 + 50 ms.
    assertThat(flow.cloudReceived(1, "c1", 150_000_000)).isTrue();
    flow.tick(200_000_000);
    assertThat(actions.log).hasSize(2);
    flow.tick(250_000_000);
    assertThat(actions.log.subList(2, actions.log.size())).containsExactly("fell back 1", "left 1", "edge 1 1..2 [h]");
    assertThat(actions.observed).last().isInstanceOfSatisfying(Observation.CloudOverdue.class,
        overdue -> assertThat(overdue.ackedNanos()).hasValue(150_000_000));
  }

  @Test
  void anExplorationCarriesItsOwnPrediction_andAPredictionUpdateForAnotherPlanIsIgnored() {
    flow.executorsChanged(Set.of("c1"), 0);
    flow.planChanged(EDGE_ONLY, Optional.empty(), 0);
    flow.predictionChanged(SPLIT, PREDICTED);
    flow.exploreOnce(SPLIT, PREDICTED);
    flow.infer("a", input(1, 2), 0);
    flow.edgeDone(1, 0, 1, raw("h", 2, 3), List.of(5L), 100, 10, 0);
    flow.tick(200_000_000);
    assertThat(actions.log).doesNotContain("path down").contains("edge 1 1..2 [h]");
  }
}
