package io.partnner.runtime.serve;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

final class TransferPathTest {
  @Test
  void forBytes_fromTheThresholdOnWithALane_isTheBulkLane() {
    assertThat(TransferPath.forBytes(511, 512, true)).isEqualTo(TransferPath.ARTERY);
    assertThat(TransferPath.forBytes(512, 512, true)).isEqualTo(TransferPath.BULK);
    assertThat(TransferPath.forBytes(1 << 30, 512, false)).isEqualTo(TransferPath.ARTERY);
    assertThat(TransferPath.forBytes(1 << 30, -1, true)).isEqualTo(TransferPath.ARTERY);
    assertThat(TransferPath.forBytes(0, 0, true)).isEqualTo(TransferPath.BULK);
  }
}
