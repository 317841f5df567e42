package dev.triage.prompt;

import java.util.List;

/** The operator's commands for each kind of database, used by the diagnostic and mitigation steps. */
public final class DatabaseCommands {

    private DatabaseCommands() {
    }

    public static String defaultPort(DatabaseKind db) {
        return switch (db) {
            case POSTGRESQL -> "5432";
            case MYSQL -> "3306";
            case MONGODB -> "27017";
            case REDIS -> "6379";
            case OTHER -> "$DB_PORT";
        };
    }

    /** Is the database process up and accepting connections? */
    public static List<String> serviceStatus(DatabaseKind db) {
        return switch (db) {
            case POSTGRESQL -> List.of(
                    "# Is the server up and accepting connections?",
                    "pg_isready -h \"$DB_HOST\" -p 5432",
                    "systemctl status postgresql",
                    "# On Kubernetes",
                    "kubectl get pods -l app=postgresql -o wide");
            case MYSQL -> List.of(
                    "# Is the server up and accepting connections?",
                    "mysqladmin -h \"$DB_HOST\" -u \"$DB_USER\" -p ping",
                    "systemctl status mysql",
                    "# On Kubernetes",
                    "kubectl get pods -l app=mysql -o wide");
            case MONGODB -> List.of(
                    "# Is the server up and accepting connections?",
                    "mongosh --host \"$DB_HOST\" --eval 'db.runCommand({ ping: 1 })'",
                    "systemctl status mongod",
                    "# On Kubernetes",
                    "kubectl get pods -l app=mongodb -o wide");
            case REDIS -> List.of(
                    "# Is the server up and accepting connections?",
                    "redis-cli -h \"$DB_HOST\" -p 6379 ping",
                    "systemctl status redis-server",
                    "# On Kubernetes",
                    "kubectl get pods -l app=redis -o wide");
            case OTHER -> List.of(
                    "# Is anything listening on the database port?",
                    "nc -vz \"$DB_HOST\" \"$DB_PORT\"",
                    "# On Kubernetes",
                    "kubectl get pods -o wide | grep -i -E 'db|database'");
        };
    }

    /** A health query that proves login and a round trip work. */
    public static List<String> healthCheck(DatabaseKind db) {
        return switch (db) {
            case POSTGRESQL -> List.of(
                    "psql -h \"$DB_HOST\" -U \"$DB_USER\" -d \"$DB_NAME\" -c \"SELECT version();\"",
                    "psql -h \"$DB_HOST\" -U \"$DB_USER\" -d \"$DB_NAME\" -c \"SELECT state, count(*) FROM pg_stat_activity GROUP BY state;\"");
            case MYSQL -> List.of(
                    "mysql -h \"$DB_HOST\" -u \"$DB_USER\" -p -e \"SELECT VERSION();\"",
                    "mysql -h \"$DB_HOST\" -u \"$DB_USER\" -p -e \"SHOW GLOBAL STATUS LIKE 'Threads_connected';\"");
            case MONGODB -> List.of(
                    "mongosh --host \"$DB_HOST\" --eval 'db.version()'",
                    "mongosh --host \"$DB_HOST\" --eval 'db.serverStatus().connections'");
            case REDIS -> List.of(
                    "redis-cli -h \"$DB_HOST\" info server",
                    "redis-cli -h \"$DB_HOST\" info clients");
            case OTHER -> List.of(
                    "# Run the database's own \"version\" query through its command-line client",
                    "nc -vz \"$DB_HOST\" \"$DB_PORT\"");
        };
    }

    /** Where the application's and the database's logs are. */
    public static List<String> logs(DatabaseKind db) {
        String server = switch (db) {
            case POSTGRESQL -> "journalctl -u postgresql --since \"30 min ago\"";
            case MYSQL -> "journalctl -u mysql --since \"30 min ago\"";
            case MONGODB -> "journalctl -u mongod --since \"30 min ago\"";
            case REDIS -> "journalctl -u redis-server --since \"30 min ago\"";
            case OTHER -> "journalctl --since \"30 min ago\" | grep -i -E 'database|connection'";
        };
        return List.of(
                "# The application's recent errors",
                "kubectl logs deploy/\"$APP\" --since=30m | grep -i -E 'error|exception|timeout|refused'",
                "# The database server's log",
                server);
    }
}
