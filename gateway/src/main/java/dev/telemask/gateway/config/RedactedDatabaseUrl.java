package dev.telemask.gateway.config;

/**
 * A JDBC URL as the log may show it: where the database is, without the query string (PostgreSQL's driver takes
 * {@code user}, {@code password}, {@code sslpassword} there, and {@code db.user}/{@code db.password} are optional
 * because a URL may carry them) and without user information before the host.
 */
public final class RedactedDatabaseUrl {
    private RedactedDatabaseUrl() {
    }

    public static String of(String jdbcUrl) {
        int query = jdbcUrl.indexOf('?');
        String url = query < 0 ? jdbcUrl : jdbcUrl.substring(0, query);
        int authority = url.indexOf("//");
        if (authority < 0) {
            return url;
        }
        int hostEnd = url.indexOf('/', authority + 2);
        String hosts = hostEnd < 0 ? url.substring(authority + 2) : url.substring(authority + 2, hostEnd);
        int userInfo = hosts.lastIndexOf('@');
        return userInfo < 0 ? url : url.substring(0, authority + 2) + url.substring(authority + 3 + userInfo);
    }
}
