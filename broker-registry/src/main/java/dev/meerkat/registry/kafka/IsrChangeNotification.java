package dev.meerkat.registry.kafka;

import java.util.List;

/** {@code isr_change_notification/isr_change_<n>}: a broker telling the controller that ISRs changed. */
public record IsrChangeNotification(int version, List<Reassignment.Target> partitions) {
}
