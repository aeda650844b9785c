package org.haven.server.redis;

import io.lettuce.core.ScriptOutputType;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.haven.protocol.E2e;
import org.haven.server.chat.KeyDirectory;
import org.haven.server.presence.UserRef;
import org.haven.server.storage.StoredJson;

/**
 * {@link KeyDirectory} in Redis, shared by every node. Per user (hash tag {@code {org:user}}): a hash
 * of device bundles, and per device a list of its one-time prekeys. Publishing replaces a device's
 * bundle and prekeys in one Lua script; fetching pops one prekey per device in one Lua script, so a
 * one-time prekey is handed out at most once even when nodes fetch at the same moment, and is always
 * paired with the bundle it was published with. Holds public keys only.
 */
public final class RedisKeyDirectory implements KeyDirectory {

    private static final RedisScript PUBLISH = new RedisScript("""
            local previous = redis.call('HGET', KEYS[1], ARGV[1])
            redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
            redis.call('DEL', KEYS[2])
            if #ARGV > 2 then
              redis.call('RPUSH', KEYS[2], unpack(ARGV, 3))
            end
            return previous or ''
            """);

    /** KEYS[1] the bundles, KEYS[i+1] the prekeys of device ARGV[i]; replies bundle, prekey ('' if none) pairs. */
    private static final RedisScript FETCH = new RedisScript("""
            local out = {}
            for i, device in ipairs(ARGV) do
              local bundle = redis.call('HGET', KEYS[1], device)
              if bundle then
                out[#out + 1] = bundle
                out[#out + 1] = redis.call('LPOP', KEYS[i + 1]) or ''
              end
            end
            return out
            """);

    private final RedisConnections redis;
    private final RedisKeys keys;

    public RedisKeyDirectory(RedisConnections redis, RedisKeys keys) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.keys = Objects.requireNonNull(keys, "keys");
    }

    @Override
    public CompletionStage<Optional<String>> publish(
            UserRef user, E2e.DeviceBundle bundle, List<E2e.Prekey> oneTimePrekeys) {
        E2e.DeviceBundle stored = KeyDirectory.storedForm(bundle);
        List<String> args = new ArrayList<>(oneTimePrekeys.size() + 2);
        args.add(bundle.device());
        args.add(StoredJson.write(stored));
        oneTimePrekeys.forEach(p -> args.add(StoredJson.write(p)));
        return PUBLISH.<String>run(
                        redis.commands(),
                        ScriptOutputType.VALUE,
                        new String[] {devicesKey(user), prekeysKey(user, bundle.device())},
                        args.toArray(String[]::new))
                .thenApply(previous -> previous.isEmpty()
                        ? Optional.empty()
                        : Optional.of(StoredJson.read(previous, E2e.DeviceBundle.class)
                                .fingerprint()));
    }

    @Override
    public CompletionStage<List<E2e.DeviceBundle>> fetch(UserRef user) {
        return devices(user).thenCompose(devices -> {
            if (devices.isEmpty()) {
                return CompletableFuture.completedFuture(List.of());
            }
            String[] keysOfDevices = new String[devices.size() + 1];
            keysOfDevices[0] = devicesKey(user);
            for (int i = 0; i < devices.size(); i++) {
                keysOfDevices[i + 1] = prekeysKey(user, devices.get(i));
            }
            return FETCH.<List<Object>>run(
                            redis.commands(), ScriptOutputType.MULTI, keysOfDevices, devices.toArray(String[]::new))
                    .thenApply(RedisKeyDirectory::bundles);
        });
    }

    @Override
    public CompletionStage<List<String>> devices(UserRef user) {
        return redis.commands().hkeys(devicesKey(user)).thenApply(List::copyOf);
    }

    private static List<E2e.DeviceBundle> bundles(List<Object> reply) {
        List<E2e.DeviceBundle> out = new ArrayList<>(reply.size() / 2);
        for (int i = 0; i + 1 < reply.size(); i += 2) {
            E2e.DeviceBundle b = StoredJson.read((String) reply.get(i), E2e.DeviceBundle.class);
            String prekey = (String) reply.get(i + 1);
            E2e.Prekey oneTime = prekey.isEmpty() ? null : StoredJson.read(prekey, E2e.Prekey.class);
            out.add(new E2e.DeviceBundle(
                    b.device(), b.identityKey(), b.signingKey(), b.signedPrekey(), oneTime, b.fingerprint()));
        }
        return List.copyOf(out);
    }

    private String devicesKey(UserRef user) {
        return keys.user(user, "devices");
    }

    private String prekeysKey(UserRef user, String device) {
        return keys.user(user, "prekeys", device);
    }
}
