package io.partnner.runtime.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Saving and reading measured profiles. */
final class MeasuredProfileTest {
  @TempDir Path dir;

  @Test
  void writeThenRead_givesTheSameProfile() throws IOException {
    MeasuredProfile profile = TestingProfiles.threeBlocks();
    Path file = dir.resolve("cache").resolve("three blocks.profile");
    profile.write(file);
    assertThat(MeasuredProfile.read(file)).isEqualTo(profile);
  }

  @Test
  void read_truncatedFile_failsNamingTheFile() throws IOException {
    Path file = dir.resolve("p.profile");
    TestingProfiles.threeBlocks().write(file);
    List<String> lines = Files.readAllLines(file);
    Files.write(file, lines.subList(0, lines.size() - 3));
    assertThatThrownBy(() -> MeasuredProfile.read(file)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(file.toString()).hasMessageContaining("truncated");
  }

  @Test
  void read_badNumber_failsNamingTheLine() throws IOException {
    Path file = dir.resolve("p.profile");
    TestingProfiles.threeBlocks().write(file);
    List<String> lines = new java.util.ArrayList<>(Files.readAllLines(file));
    lines.set(5, "block ten 1.0");
    Files.write(file, lines);
    assertThatThrownBy(() -> MeasuredProfile.read(file)).hasMessageContaining("line 6").hasMessageContaining("'ten'");
  }

  @Test
  void create_cutsNotOneMoreThanBlocks_failsSaying() {
    MeasuredProfile good = TestingProfiles.threeBlocks();
    assertThatThrownBy(() -> new MeasuredProfile("m", "h", 1, good.blocks(), good.cuts().subList(0, 3), 0))
        .hasMessageContaining("3 blocks need 4 cuts, got 3");
  }
}
