package io.partnner.models;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds {@code ../shared} beside the project. CI always has it, so there a missing folder fails the
 * test; on a user's machine without it the test is skipped, saying why.
 */
final class SharedFiles {
  private SharedFiles() {}

  static Path sharedModel(String file) {
    Path start = Path.of("").toAbsolutePath();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolveSibling("shared").resolve("models").resolve(file);
      if (dir.getParent() != null && Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    String why = "../shared/models/" + file + " not found above " + start;
    if ("true".equals(System.getenv("CI"))) {
      throw new AssertionError(why + " (CI must have ../shared beside the project)");
    }
    assumeTrue(false, why + "; skipping (CI has it)");
    return null;
  }

  static Path fixture(String file) {
    Path path = Path.of("src/test/resources/fixtures").resolve(file).toAbsolutePath();
    if (!Files.isRegularFile(path)) {
      throw new AssertionError("missing test fixture " + path);
    }
    return path;
  }
}
