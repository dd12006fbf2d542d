package io.partnner.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The separate-process fault test: an edge in this JVM, two cloud nodes as their own JVMs over loopback TCP, one
 * killed with SIGKILL while requests are in flight. Every request gets exactly one answer.
 */
final class ChaosCommandTest {
  @Test
  void aCloudProcessKilledUnderLoadLosesAndDuplicatesNothing() {
    List<String> lines = CommandRun.lines("chaos", "--scenario", "kill-cloud", "--requests", "60", "--model", "zoo:mobilenet_v2@0.25",
        "--clouds", "2", "--concurrency", "4", "--deadline-s", "2");
    assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("fault: SIGKILL to cloud process"));
    assertThat(lines.get(lines.size() - 1)).isEqualTo("sent 60 answered 60 lost 0 duplicated 0");
  }

  @Test
  void unknownScenarioIsOneClearError() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), "chaos", "--scenario", "flood");
    assertThat(status).isNotZero();
    assertThat(err.toString()).contains("--scenario 'flood': expected kill-cloud, pause-cloud or drop-link");
  }
}
