"""The code bench/ws_latency.py hands to `manage.py shell` (BENCHMARKS.md, "Live order feed"):
the seed, the drivers' status changes and bare pushes, and the consumer's dispatch alone."""

# Every customer's order goes through the services (created, then paid in full, which makes
# it `paid` through `order_status_set`), as the site makes them; only the users, who are not
# the subject, are inserted in bulk.
SEED = """
import json
from decimal import Decimal
from django.contrib.auth.hashers import make_password
from django.utils import timezone
from accounts.tokens import AccessToken
from accounts.models import User
from catalog import services as catalog
from orders import services as orders

COUNT = {count}
car = catalog.product_create(name="Bench car", price=Decimal("1000000.00"),
    stock_quantity=COUNT, category=catalog.category_create(name="Cars"))
password = make_password("Bench-pass-2026")
users = User.objects.bulk_create(
    [User(email=f"client{{i}}@bench.local", password=password, email_verified_at=timezone.now())
     for i in range(COUNT)])
manager = User.objects.create(email="manager@bench.local", password=password, role="manager")
clients = []
for user in users:
    order, _ = orders.order_create(customer=user, items=[{{"product_id": car.pk, "quantity": 1}}])
    orders.order_paid_amount_set(order_id=order.pk, paid_amount=order.total_amount, version=1)
    clients.append({{"order": str(order.pk), "token": str(AccessToken.for_user(user))}})
print(json.dumps({{"clients": clients}}))
"""


DRIVE = """
import json, os, time
from django.db import transaction
from accounts.models import User
from common.realtime import group_send
from orders import realtime, services
manager = User.objects.get(email="manager@bench.local")
order_ids, rate, steps, mode = json.loads(os.environ["BENCH_DRIVE"])
made, failed, first_error = {}, 0, ""
started, cpu = time.perf_counter(), time.process_time()
for index, (status, order_id) in enumerate((s, o) for s in steps for o in order_ids):
    delay = started + index / rate - time.perf_counter()
    if delay > 0:
        time.sleep(delay)
    if mode == "bare":  # the same push path without a database: the baseline
        push = {"type": realtime.PUSH, "push": {"type": mode, "sent_at": time.time()}}
        group_send([realtime.order_group(order_id)], push)
        continue
    committed = []
    try:
        # The first hook to run once the change commits: the moment it became visible.
        with transaction.atomic(using="orders"):
            transaction.on_commit(lambda: committed.append(time.time()), using="orders")
            order = services.order_status_set(order_id=order_id, status=status, user=manager)
    except Exception as error:
        failed += 1
        first_error = first_error or repr(error)
    else:
        made.setdefault(order_id, {})[order.sequence] = committed[0]
print(json.dumps({"made": made, "failed": failed, "first_error": first_error,
                  "elapsed": time.perf_counter() - started, "cpu": time.process_time() - cpu}))
"""


# The consumer's own cost per push, in one process and no server: Channels' dispatch, with
# its hop to the database thread before every message, against the feed's (orders/consumers.py),
# interleaved, in CPU seconds of the whole process (the hop's thread included).
DISPATCH = """
import asyncio, json, statistics, time
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from orders.consumers import OrderFeedConsumer
class Stock(OrderFeedConsumer):
    dispatch = AsyncJsonWebsocketConsumer.dispatch
order = {"id": "0" * 32, "status": "processing", "sequence": 3, "total_amount": "1000000.00"}
message = {"type": "order.push", "push": {"type": "order.status_changed", "sequence": 3,
                                          "order": order}}
async def per_push(consumer_class, count=2000):
    consumer = consumer_class()
    async def base_send(frame):
        pass
    consumer.base_send = base_send
    started = time.process_time()
    for _ in range(count):
        await consumer.dispatch(message)
    return (time.process_time() - started) / count
rounds = {"channels": [], "feed": []}
for _ in range(5):
    rounds["channels"].append(asyncio.run(per_push(Stock)))
    rounds["feed"].append(asyncio.run(per_push(OrderFeedConsumer)))
print(json.dumps({name: statistics.median(values) for name, values in rounds.items()}))
"""
