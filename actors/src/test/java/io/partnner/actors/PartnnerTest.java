package io.partnner.actors;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.partnner.runtime.serve.InferenceResult;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The embedding API on one edge node. */
class PartnnerTest {
  private static Config config(String overrides) {
    return ConfigFactory.parseString(overrides + "\npekko.actor.serialize-messages = on").withFallback(ConfigFactory.load());
  }

  @Test
  void infer_callbacksWithoutAnExecutor_runOnTheAnswerThreadNotAFreshThreadEach() throws Exception {
    TestingModel model = new TestingModel("answers", 0);
    try (Partnner edge = Partnner.start(model, config("partnner.planner.strategy = edge-only"))) {
      Set<String> threads = new HashSet<>();
      List<CompletableFuture<String>> callbacks = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        callbacks.add(edge.infer(TestingModel.input(i, 0, 0, 0))
            .thenApply(result -> Thread.currentThread().getName()).toCompletableFuture());
      }
      for (CompletableFuture<String> callback : callbacks) {
        threads.add(callback.get(30, TimeUnit.SECONDS));
      }
      assertThat(threads).containsOnly(Partnner.ANSWER_THREAD);
      CompletableFuture<InferenceResult> answered = edge.infer(TestingModel.input(1, 2, 3, 4)).toCompletableFuture();
      InferenceResult result = answered.get(30, TimeUnit.SECONDS);
      assertThat(result.outputs().get("y").toFloatArray()).containsExactly(TestingModel.expected(new float[] {1, 2, 3, 4}));
      // Chained after the answer is there, a callback still does not run on the caller's thread.
      assertThat(answered.thenApply(done -> Thread.currentThread().getName()).get(30, TimeUnit.SECONDS))
          .isEqualTo(Partnner.ANSWER_THREAD);
      assertThat(answered.whenComplete((done, failure) -> { }).thenCompose(done -> answered)
          .handle((done, failure) -> Thread.currentThread().getName()).get(30, TimeUnit.SECONDS))
          .isEqualTo(Partnner.ANSWER_THREAD);
    }
  }
}
