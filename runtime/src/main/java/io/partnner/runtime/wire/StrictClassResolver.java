package io.partnner.runtime.wire;

import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.util.DefaultClassResolver;

/**
 * A class resolver that accepts registered ids only. Kryo's default would look up a class named in the
 * message (and only then find it unregistered); this one refuses before reading the name, so a peer
 * cannot even make us load a class.
 */
final class StrictClassResolver extends DefaultClassResolver {
  @Override
  protected Registration readName(Input input) {
    throw new WireFormatException("message names a class instead of a registered id; only ids are accepted");
  }

  @Override
  public Registration registerImplicit(Class type) {
    throw new IllegalArgumentException("class " + type.getName() + " is not registered for the wire");
  }
}
