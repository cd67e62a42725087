package io.provisioning.orchestrator.testenv;

import io.provisioning.orchestrator.InvalidRequestException;
import io.provisioning.orchestrator.workflow.Printable;

/** An IPv4 subnet in CIDR form; environments may use private /24 to /28 subnets only. */
public record Subnet(long base, int prefix) {
    public static final int WIDEST = 24;
    public static final int NARROWEST = 28;

    public static Subnet parse(String field, String text) {
        String problem = field + " must be a private IPv4 subnet from /" + WIDEST + " to /" + NARROWEST
                + " (10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16), e.g. 172.30.50.0/24; got "
                + Printable.quote(String.valueOf(text));
        if (text == null || !text.matches("\\d{1,3}(\\.\\d{1,3}){3}/\\d{1,2}")) {
            throw new InvalidRequestException(problem);
        }
        String[] parts = text.split("/");
        String[] octets = parts[0].split("\\.");
        long address = 0;
        for (String octet : octets) {
            int value = Integer.parseInt(octet);
            if (value > 255) {
                throw new InvalidRequestException(problem);
            }
            address = (address << 8) | value;
        }
        int prefix = Integer.parseInt(parts[1]);
        if (prefix < WIDEST || prefix > NARROWEST) {
            throw new InvalidRequestException(problem);
        }
        Subnet subnet = new Subnet(address, prefix);
        if (!subnet.isPrivate()) {
            throw new InvalidRequestException(problem);
        }
        if ((address & ~subnet.mask()) != 0) {
            throw new InvalidRequestException(field + " " + text + " has host bits set; the network address is "
                    + new Subnet(address & subnet.mask(), prefix));
        }
        return subnet;
    }

    /** Any IPv4 CIDR (for subnets Docker reports); null when it is not one. */
    public static Subnet parseAny(String text) {
        if (text == null || !text.matches("\\d{1,3}(\\.\\d{1,3}){3}/\\d{1,2}")) {
            return null;
        }
        String[] parts = text.split("/");
        long address = 0;
        for (String octet : parts[0].split("\\.")) {
            address = (address << 8) | (Integer.parseInt(octet) & 0xff);
        }
        int prefix = Math.min(32, Integer.parseInt(parts[1]));
        Subnet s = new Subnet(address, prefix);
        return new Subnet(address & s.mask(), prefix);
    }

    long mask() {
        return prefix == 0 ? 0 : (0xffffffffL << (32 - prefix)) & 0xffffffffL;
    }

    boolean isPrivate() {
        return within(0x0a000000L, 8) || within(0xac100000L, 12) || within(0xc0a80000L, 16);
    }

    private boolean within(long network, int bits) {
        long m = (0xffffffffL << (32 - bits)) & 0xffffffffL;
        return (base & m) == network && prefix >= bits;
    }

    public boolean overlaps(Subnet other) {
        int shorter = Math.min(prefix, other.prefix);
        long m = shorter == 0 ? 0 : (0xffffffffL << (32 - shorter)) & 0xffffffffL;
        return (base & m) == (other.base & m);
    }

    @Override
    public String toString() {
        return ((base >> 24) & 0xff) + "." + ((base >> 16) & 0xff) + "." + ((base >> 8) & 0xff) + "." + (base & 0xff)
                + "/" + prefix;
    }
}
