// Runs Neo4j Community 5.26 embedded with Bolt on a loopback port, for development and tests.
// Driven by libs/strata_stack/neo4j_runtime.py; run as
//   java <jvm flags> -cp '<lib>/*' StrataNeo4j.java --home DIR --bolt-port N [options]
// or, compiled once into a class directory, as `java ... -cp '<classes>:<lib>/*' StrataNeo4j ...`.
// Auth is disabled: this is never meant to face a network.

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.io.ByteUnit;
import org.neo4j.logging.Level;
import org.neo4j.logging.log4j.Log4jLogProvider;

public final class StrataNeo4j {
    static final String READY = "STRATA_NEO4J_READY";
    static final String USAGE =
            "usage: StrataNeo4j --home DIR --bolt-port N [--bolt-host 127.0.0.1] [--data DIR]\n"
                    + "                   [--pagecache 512m] [--tx-max 1g] [--keep-logs '1 files']"
                    + " [--exit-on-stdin-eof]";

    private StrataNeo4j() {}

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = parse(argv);
        Path home = Path.of(required(args, "--home")).toAbsolutePath();
        String host = args.getOrDefault("--bolt-host", "127.0.0.1");
        int port = Integer.parseInt(required(args, "--bolt-port"));
        SocketAddress bolt = new SocketAddress(host, port);

        DatabaseManagementServiceBuilder builder = new DatabaseManagementServiceBuilder(home)
                .setUserLogProvider(new Log4jLogProvider(System.err, Level.INFO))
                .setConfig(GraphDatabaseSettings.auth_enabled, false)
                // No usage reports leave a developer machine or CI runner.
                .setConfig(GraphDatabaseSettings.udc_enabled, false)
                .setConfig(GraphDatabaseSettings.pagecache_memory,
                        ByteUnit.parse(args.getOrDefault("--pagecache", "512m")))
                .setConfig(GraphDatabaseSettings.memory_transaction_global_max_size,
                        ByteUnit.parse(args.getOrDefault("--tx-max", "1g")))
                .setConfig(GraphDatabaseSettings.keep_logical_logs,
                        args.getOrDefault("--keep-logs", "1 files"))
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                .setConfig(BoltConnector.listen_address, bolt)
                .setConfig(BoltConnector.advertised_address, bolt)
                .setConfig(HttpConnector.enabled, false)
                // Netty waits for a 5 s quiet period per event loop group on shutdown (10 s
                // in all) after the stores are already closed; nothing is gained by waiting.
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0);
        if (args.containsKey("--data")) {
            builder.setConfig(GraphDatabaseSettings.data_directory,
                    Path.of(args.get("--data")).toAbsolutePath());
        }

        DatabaseManagementService dbms = builder.build();
        CountDownLatch stopped = new CountDownLatch(1);
        // SIGTERM and SIGINT run shutdown hooks: stop Neo4j so the store is closed cleanly.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("strata-neo4j: shutting down");
            dbms.shutdown();
            stopped.countDown();
        }, "strata-neo4j-shutdown"));

        GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        while (!db.isAvailable(1000)) {
            System.err.println("strata-neo4j: waiting for database " + db.databaseName());
        }
        System.out.println(READY + " bolt://" + host + ":" + port);
        System.out.flush();

        if (args.containsKey("--exit-on-stdin-eof")) {
            // The parent holds our stdin open; if it dies without stopping us, we stop too.
            watchStdin(System.in);
            System.exit(0);
        }
        stopped.await();
    }

    private static void watchStdin(InputStream in) {
        byte[] buffer = new byte[256];
        try {
            while (in.read(buffer) >= 0) {
                // Input is ignored; only end of file matters.
            }
        } catch (IOException e) {
            System.err.println("strata-neo4j: stdin closed: " + e.getMessage());
        }
    }

    private static Map<String, String> parse(String[] argv) {
        Map<String, String> args = new HashMap<>();
        for (int i = 0; i < argv.length; i++) {
            String name = argv[i];
            switch (name) {
                case "--exit-on-stdin-eof" -> args.put(name, "true");
                case "--home", "--data", "--bolt-host", "--bolt-port", "--pagecache", "--tx-max",
                        "--keep-logs" -> {
                    if (i + 1 >= argv.length) {
                        fail("missing value for " + name);
                    }
                    args.put(name, argv[++i]);
                }
                default -> fail("unknown argument " + name);
            }
        }
        return args;
    }

    private static String required(Map<String, String> args, String name) {
        String value = args.get(name);
        if (value == null) {
            fail("missing " + name);
        }
        return value;
    }

    private static void fail(String message) {
        System.err.println("strata-neo4j: " + message + "\n" + USAGE);
        System.exit(2);
    }
}
