package dev.meerkat.registry.kafka;

/** {@code controller}: which broker won the election; {@code kraftControllerEpoch} is set during a KRaft migration only. */
public record ControllerRegistration(int version, int brokerId, Long timestampMs, Integer kraftControllerEpoch) {
}
