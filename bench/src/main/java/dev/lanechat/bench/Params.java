package dev.lanechat.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** The sizes of a run: {@link #full()} for RESULTS.md, {@link #smoke()} for mvn verify. */
record Params(
        String name,
        int pushTasks,
        double pushRate,
        long pollMs,
        int fanSockets,
        List<FanShape> fanShapes,
        int fanStepS,
        int capPerProcess,
        int capProcesses,
        int capHoldS,
        int tpTasks,
        int tpConcurrency,
        int stormSockets,
        int stormUsers,
        double stormRate,
        long stormSettleMs,
        int demoDelayMs,
        boolean reuseTargets) {
    /**
     * One fan-out ladder: the run's sockets spread over {@code users} users (an event goes to its
     * user's sockets only), at each of {@code rates} events per second.
     */
    record FanShape(int users, double[] rates) {}

    static Params full() {
        return new Params(
                "full",
                1000,
                20,
                1000,
                10_000,
                List.of(
                        new FanShape(10_000, new double[] {100, 200, 500, 1000, 2000, 5000, 10_000}),
                        new FanShape(1, new double[] {0.5, 1, 2, 5, 10, 20})),
                10,
                10_500,
                2,
                120,
                5000,
                32,
                10_000,
                10_000,
                20,
                3000,
                100,
                false);
    }

    /** Tiny counts; one server per target for all scenarios (they start once), demo lane without delay. */
    static Params smoke() {
        return new Params(
                "smoke",
                20,
                20,
                300,
                50,
                List.of(new FanShape(50, new double[] {10}), new FanShape(1, new double[] {5})),
                1,
                50,
                1,
                30,
                30,
                8,
                20,
                1,
                5,
                500,
                0,
                true);
    }

    /**
     * These sizes with the command line's overrides: {@code --storm-sockets N --storm-users N}
     * (users default to the fewer of the two), {@code --fan-sockets N --fan-users N --fan-rates
     * R,R,…} (one other fan-out ladder; rates default to 1,10,100, users to 1) and {@code --tp-tasks N}.
     */
    Params withOptions(Map<String, String> o) {
        int storm = intOption(o, "storm-sockets", stormSockets);
        boolean fan = o.containsKey("fan-sockets") || o.containsKey("fan-users");
        List<FanShape> shapes = !fan
                ? fanShapes
                : List.of(new FanShape(
                        intOption(o, "fan-users", 1),
                        Arrays.stream(o.getOrDefault("fan-rates", "1,10,100").split(","))
                                .mapToDouble(Double::parseDouble)
                                .toArray()));
        return new Params(
                name,
                pushTasks,
                pushRate,
                pollMs,
                intOption(o, "fan-sockets", fanSockets),
                shapes,
                fanStepS,
                capPerProcess,
                capProcesses,
                capHoldS,
                intOption(o, "tp-tasks", tpTasks),
                tpConcurrency,
                storm,
                intOption(o, "storm-users", Math.min(storm, stormUsers)),
                stormRate,
                stormSettleMs,
                demoDelayMs,
                reuseTargets);
    }

    private static int intOption(Map<String, String> o, String key, int otherwise) {
        String v = o.get(key);
        return v == null ? otherwise : Integer.parseInt(v);
    }
}
