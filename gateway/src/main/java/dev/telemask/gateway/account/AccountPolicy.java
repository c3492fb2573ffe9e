package dev.telemask.gateway.account;

import java.util.Locale;
import java.util.regex.Pattern;

/** What a console user's username and password must be, the same for the API and the command line. */
public final class AccountPolicy {
    /** NIST SP 800-63B asks for at least 8; a password is the only factor here, so longer. */
    public static final int MIN_PASSWORD = 12;
    /** Long enough for any passphrase, short enough that hashing it costs nothing extra. */
    public static final int MAX_PASSWORD = 256;
    private static final Pattern USERNAME = Pattern.compile("[a-z0-9][a-z0-9._@+-]{0,127}");

    private AccountPolicy() {
    }

    /**
     * The username as stored: lower case, 1 to 128 letters, digits and {@code . _ @ + -} (an e-mail address fits).
     *
     * @throws IllegalArgumentException when it does not fit, with the reason
     */
    public static String username(String raw) {
        String name = raw == null ? "" : raw.strip().toLowerCase(Locale.ROOT);
        if (!USERNAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a username is 1 to 128 letters, digits, '.', '_', '@', '+' or '-',"
                    + " starting with a letter or digit (an e-mail address fits)");
        }
        return name;
    }

    /**
     * Checks a new password's length.
     *
     * @throws IllegalArgumentException when it is too short or too long, with the reason
     */
    public static String password(String password) {
        if (password == null || password.codePointCount(0, password.length()) < MIN_PASSWORD
                || password.length() > MAX_PASSWORD) {
            throw new IllegalArgumentException("a password is " + MIN_PASSWORD + " to " + MAX_PASSWORD
                    + " characters; a few unrelated words make a good one");
        }
        return password;
    }
}
