/**
 * The Redis engines, for running several Haven nodes as one cluster: {@link
 * org.haven.server.redis.RedisConnections} owns the Lettuce client and its connections, and each
 * engine ({@link org.haven.server.redis.RedisPresenceStore}, {@link
 * org.haven.server.redis.RedisAlertStore}, {@link org.haven.server.redis.RedisCareStore}, {@link
 * org.haven.server.redis.RedisKeyDirectory}, {@link org.haven.server.redis.RedisMailbox}) keeps the
 * contract of its interface with asynchronous calls only.
 *
 * <p>Key layout (namespace {@code haven}; ids escaped by {@link org.haven.server.redis.RedisKeys}):
 * <pre>
 * haven:{org:user}:connections            hash   connection id → node life     (presence)
 * haven:{org:user}:status                 string chosen status                 (presence)
 * haven:{node:life}:connections           set    org:user:connection           (presence)
 * haven:{nodes}:live / :reaping           zset   node life → deadline (ms)     (presence)
 * haven:{org}:alert:id                    string the alert's JSON              (alerts)
 * haven:{org}:alerts:open                 set    ids of alerts not closed      (alerts)
 * haven:{org}:alerts:open:client          set    ids of a client's open alerts (alerts)
 * haven:{org}:alerts:raised               zset   id → -(time raised, ms)       (alerts: search)
 * haven:{org}:alerts:closed               zset   id → time closed (ms)         (alerts: retention)
 * haven:{alerts}:due                      zset   org:id → next deadline (ms)   (alerts)
 * haven:{alerts}:earlier-indexed          string set once earlier alerts are indexed (alerts: search)
 * haven:{alerts}:orgs                     set    organisations with alerts     (alerts)
 * haven:{org:user}:checkins               hash   room → latest check-in        (care)
 * haven:{org:user}:contacts / :plan       list   versions, oldest first        (care)
 * haven:{org:user}:devices                hash   device → public bundle        (key directory)
 * haven:{org:user}:prekeys:device         list   one-time prekeys              (key directory)
 * haven:{org:user}:mailbox:device         hash   message id → message          (mailbox)
 * haven:{org:user}:mailbox-order:device   zset   message id → arrival          (mailbox)
 * haven:{org:user}:mailbox-expiry:device  zset   message id → expiry (ms)      (mailbox)
 * </pre>
 */
@NullMarked
package org.haven.server.redis;

import org.jspecify.annotations.NullMarked;
