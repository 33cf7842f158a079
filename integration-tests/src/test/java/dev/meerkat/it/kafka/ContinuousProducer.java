package dev.meerkat.it.kafka;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Produces numbered records ({@code prefix-N}) one at a time with acks=all on a thread of its own,
 * remembering exactly which were acknowledged and the longest gap between two acknowledgements.
 */
final class ContinuousProducer implements AutoCloseable {
    private final KafkaProducer<String, String> producer;
    private final String topic;
    private final String prefix;
    private final Set<String> acked = new ConcurrentSkipListSet<>();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicLong maxGapNanos = new AtomicLong();
    private final Thread thread;
    private volatile boolean stop;
    private volatile Throwable unexpected;

    ContinuousProducer(String bootstrap, String topic, String prefix) {
        this.topic = topic;
        this.prefix = prefix;
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "60000");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "60000");
        p.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, "100");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        this.producer = new KafkaProducer<>(p);
        this.thread = new Thread(this::run, "continuous-producer-" + prefix);
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        long lastAck = System.nanoTime();
        int n = 0;
        try {
            while (!stop) {
                String value = prefix + "-" + n++;
                try {
                    producer.send(new ProducerRecord<>(topic, value)).get();
                    acked.add(value);
                    long now = System.nanoTime();
                    maxGapNanos.accumulateAndGet(now - lastAck, Math::max);
                    lastAck = now;
                } catch (ExecutionException e) {
                    failed.incrementAndGet();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            unexpected = t;
        }
    }

    int ackedCount() {
        return acked.size();
    }

    Set<String> acked() {
        return acked;
    }

    int failedCount() {
        return failed.get();
    }

    double maxGapMillis() {
        return maxGapNanos.get() / 1e6;
    }

    Throwable unexpected() {
        return unexpected;
    }

    /** Stops after the record in flight; returns once the thread is done. */
    void stop() throws InterruptedException {
        stop = true;
        thread.join(TimeUnit.SECONDS.toMillis(90));
    }

    @Override
    public void close() throws InterruptedException {
        stop();
        producer.close(java.time.Duration.ofSeconds(5));
    }
}
