package io.partnner.runtime.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.partnner.runtime.model.DataType;
import io.partnner.runtime.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

final class TensorKryoTest {
  private final Kryo kryo = TensorKryo.newKryo();

  @Test
  void newKryo_registersOnlyTensorAndEncodedTensorUnderFixedIds() {
    assertThat(kryo.isRegistrationRequired()).isTrue();
    List<Class<?>> registered = new ArrayList<>();
    for (int id = 0; id < 1000; id++) {
      if (kryo.getClassResolver().getRegistration(id) != null) {
        registered.add(kryo.getClassResolver().getRegistration(id).getType());
      }
    }
    assertThat(registered).containsExactly(Tensor.class, EncodedTensor.class);
    assertThat(kryo.getRegistration(Tensor.class).getId()).isEqualTo(TensorKryo.TENSOR_ID);
    assertThat(kryo.getRegistration(EncodedTensor.class).getId()).isEqualTo(TensorKryo.ENCODED_TENSOR_ID);
  }

  @Test
  void writeClassAndObject_unregisteredClass_isRefused() {
    assertThatThrownBy(() -> kryo.writeClassAndObject(new Output(64), new ArrayList<String>()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("java.util.ArrayList");
    assertThatThrownBy(() -> kryo.writeClassAndObject(new Output(64), "a string"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("java.lang.String");
  }

  @Test
  void readClassAndObject_messageNamingAClass_isRefusedBeforeLoadingIt() {
    Output output = new Output(64, -1);
    // Kryo writes id + 2, and 1 (its NAME marker + 2) says a class name follows.
    output.writeVarInt(1, true);
    output.writeVarInt(0, true);
    output.writeString("java.util.ArrayList");
    byte[] message = output.toBytes();
    assertThatThrownBy(() -> kryo.readClassAndObject(new Input(message)))
        .isInstanceOf(WireFormatException.class)
        .hasMessage("message names a class instead of a registered id; only ids are accepted");
  }

  @Test
  void readClassAndObject_unregisteredId_isRefused() {
    Output output = new Output(16, -1);
    output.writeVarInt(99 + 2, true);
    byte[] message = output.toBytes();
    assertThatThrownBy(() -> kryo.readClassAndObject(new Input(message)))
        .isInstanceOf(KryoException.class)
        .hasMessageContaining("unregistered class ID: 99");
  }

  @Test
  void readClassAndObject_registeredTensor_roundTrips() {
    Tensor tensor = TestingTensors.random(DataType.INT32, List.of(3L, 4L), 1);
    Output output = new Output(256, -1);
    kryo.writeClassAndObject(output, tensor);
    Object back = kryo.readClassAndObject(new Input(output.toBytes()));
    assertThat(back).isInstanceOf(Tensor.class);
    assertThat(((Tensor) back).data()).isEqualTo(tensor.data());
  }

  @Test
  void newKryo_negativeLimit_isRejected() {
    assertThatThrownBy(() -> TensorKryo.newKryo(-5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxTensorBytes must not be negative, got -5");
  }
}
