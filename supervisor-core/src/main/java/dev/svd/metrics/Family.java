package dev.svd.metrics;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.function.Function;

/**
 * A gauge or counter family built for one scrape, and the table form in which {@link ServiceMetrics} declares
 * the families it reads from each service, job or certificate ({@link Metric}, {@link #read}). One thread (the
 * scrape's).
 */
final class Family {
    private final boolean counter;
    private final String name;
    private final String help;
    private final List<Labels> labels = new ArrayList<>();
    private final List<Double> values = new ArrayList<>();

    private Family(boolean counter, String name, String help) {
        this.counter = counter;
        this.name = name;
        this.help = help;
    }

    static Family gauge(String name, String help) {
        return new Family(false, name, help);
    }

    /** {@code name} without {@code _total}: the exposition adds it. */
    static Family counter(String name, String help) {
        return new Family(true, name, help);
    }

    void add(Labels l, double value) {
        labels.add(l);
        values.add(value);
    }

    MetricSnapshot build() {
        if (counter) {
            CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
            for (int i = 0; i < values.size(); i++) {
                b.dataPoint(CounterDataPointSnapshot.builder().labels(labels.get(i)).value(values.get(i)).build());
            }
            return b.build();
        }
        GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
        for (int i = 0; i < values.size(); i++) {
            b.dataPoint(GaugeDataPointSnapshot.builder().labels(labels.get(i)).value(values.get(i)).build());
        }
        return b.build();
    }

    /** Where a {@link Metric} puts its values for one row: with the row's labels plus {@code extra}. */
    interface Points {
        void add(Labels extra, double value);
    }

    /** One family, read from each row of type {@code R}: how to put the row's points. */
    record Metric<R>(boolean counter, String name, String help, java.util.function.BiConsumer<R, Points> read) {
        /** One point per row, or none for a row whose value is absent. */
        static <R> Metric<R> gauge(String name, String help, Function<R, OptionalDouble> value) {
            return new Metric<>(false, name, help, (r, out) -> value.apply(r).ifPresent(v -> out.add(Labels.EMPTY, v)));
        }

        static <R> Metric<R> counter(String name, String help, Function<R, OptionalDouble> value) {
            return new Metric<>(true, name, help, (r, out) -> value.apply(r).ifPresent(v -> out.add(Labels.EMPTY, v)));
        }

        /** One point per value of {@code values} (labelled {@code label} = its lower-case name): 1 for the current, 0 for the others. */
        static <R, E extends Enum<E>> Metric<R> oneHot(String name, String help, String label, E[] values,
                                                     Function<R, E> current) {
            return new Metric<>(false, name, help, (r, out) -> {
                E now = current.apply(r);
                for (E e : values) {
                    out.add(Labels.of(label, e.name().toLowerCase(Locale.ROOT)), e == now ? 1 : 0);
                }
            });
        }
    }

    /** The families of {@code metrics}, each with the points of every row, labelled by {@code key}. */
    static <R> List<MetricSnapshot> read(List<R> rows, Function<R, Labels> key, List<Metric<R>> metrics) {
        List<MetricSnapshot> out = new ArrayList<>(metrics.size());
        for (Metric<R> m : metrics) {
            Family f = new Family(m.counter(), m.name(), m.help());
            for (R row : rows) {
                Labels labels = key.apply(row);
                m.read().accept(row, (extra, value) -> f.add(extra.isEmpty() ? labels : labels.merge(extra), value));
            }
            out.add(f.build());
        }
        return out;
    }

    /** A present value. */
    static OptionalDouble of(double value) {
        return OptionalDouble.of(value);
    }

    /** Unix time in seconds of {@code at}, or absent. */
    static OptionalDouble seconds(java.time.Instant at) {
        return at == null ? OptionalDouble.empty() : OptionalDouble.of(at.toEpochMilli() / 1000.0);
    }
}
