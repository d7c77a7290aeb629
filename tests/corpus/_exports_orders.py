"""Corpus exports with one row per order line, payment, rating or event (transaction tables)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tests.corpus._generate import (
    CITIES,
    COUNTRIES,
    PRICES,
    PRODUCTS,
    TABLES,
    blank,
    hex_ids,
    people,
    phones,
    rng_for,
    timestamps,
)


def shopify_orders() -> None:
    rng = rng_for(1)
    n_orders = 400
    first, last, emails = people(rng, 150)
    who = rng.integers(0, 150, n_orders)
    lines = rng.integers(1, 4, n_orders)
    order = np.repeat(np.arange(n_orders), lines)
    first_line = np.r_[True, order[1:] != order[:-1]]
    product = rng.integers(0, len(PRODUCTS), len(order))
    qty = rng.integers(1, 4, len(order))
    line_total = pd.Series(qty * PRICES[product]).groupby(order).sum().to_numpy()
    shipping = np.where(line_total > 60, 0.0, 4.9)
    taxes = np.round(line_total * 0.19 / 1.19, 2)
    discount = np.where(rng.random(n_orders) < 0.2, np.round(line_total * 0.1, 2), 0.0)
    created = timestamps(rng, n_orders).dt.strftime("%Y-%m-%d %H:%M:%S +0100").to_numpy()
    status = rng.choice(["paid", "paid", "paid", "refunded", "pending", "partially_refunded"], n_orders)

    def per_order(values: np.ndarray) -> pd.Series:
        return pd.Series(np.asarray(values, dtype=object)[order]).where(first_line, None)

    frame = pd.DataFrame(
        {
            "Name": [f"#{1001 + i}" for i in order],
            "Email": emails[who][order],
            "Financial Status": per_order(status),
            "Paid at": per_order(np.where(status == "pending", None, created)),
            "Fulfillment Status": per_order(rng.choice(["fulfilled", "unfulfilled", "partial"], n_orders)),
            "Accepts Marketing": per_order(rng.choice(["yes", "no"], n_orders, p=[0.6, 0.4])),
            "Currency": per_order(np.full(n_orders, "EUR")),
            "Subtotal": per_order(np.round(line_total - discount, 2)),
            "Shipping": per_order(shipping),
            "Taxes": per_order(taxes),
            "Total": per_order(np.round(line_total - discount + shipping, 2)),
            "Discount Code": per_order(
                np.where(discount > 0, rng.choice(["WELCOME10", "SPRING"], n_orders), None)
            ),
            "Discount Amount": per_order(discount),
            "Shipping Method": per_order(rng.choice(["Standard", "Express", "Pickup"], n_orders)),
            "Created at": np.asarray(created)[order],
            "Lineitem quantity": qty,
            "Lineitem name": PRODUCTS[product],
            "Lineitem price": PRICES[product],
            "Lineitem sku": [f"SKU-{1000 + p}" for p in product],
            "Lineitem requires shipping": np.where(PRODUCTS[product] == "Gift Card", "false", "true"),
            "Billing Name": pd.Series(first[who] + " " + last[who])[order].to_numpy(),
            "Billing Street": per_order(
                [
                    f"{s} {k}"
                    for s, k in zip(
                        rng.choice(["Main St", "Hauptstr.", "Rue Haute"], n_orders),
                        rng.integers(1, 200, n_orders),
                        strict=True,
                    )
                ]
            ),
            "Billing City": per_order(CITIES[who % len(CITIES)]),
            "Billing Zip": per_order(rng.integers(10000, 99999, n_orders).astype(str)),
            "Billing Country": per_order(COUNTRIES[who % len(COUNTRIES)]),
            "Billing Phone": per_order(blank(rng, phones(rng, n_orders, "+49 1## #######"), 0.3)),
            "Notes": per_order(
                blank(
                    rng,
                    rng.choice(["Please gift wrap", "Leave at door", "Call before delivery"], n_orders),
                    0.85,
                )
            ),
            "Payment Method": per_order(
                rng.choice(["Shopify Payments", "PayPal Express Checkout"], n_orders)
            ),
            "Refunded Amount": per_order(np.where(status == "refunded", line_total, 0.0)),
            "Vendor": rng.choice(["Acme Apparel", "Northwind", "Green Goods"], len(order)),
            "Id": per_order(5_512_345_000_000 + rng.integers(0, 999_999, n_orders)),
            "Tags": per_order(blank(rng, rng.choice(["vip", "wholesale", "first-order"], n_orders), 0.7)),
            "Source": per_order(rng.choice(["web", "pos", "shopify_draft_order"], n_orders)),
        }
    )
    frame.to_csv(TABLES / "exp_shopify_orders.csv", index=False)


def woocommerce_orders() -> None:
    rng = rng_for(3)
    n = 600
    first, last, emails = people(rng, 120)
    who = rng.integers(0, 120, n)
    user_id = np.where(who < 100, who + 2, 0)  # guests check out as user 0
    product = rng.integers(0, len(PRODUCTS), n)
    qty = rng.integers(1, 3, n)
    order_no = np.sort(rng.choice(np.arange(5000, 5000 + n), n)).astype(int)
    frame = pd.DataFrame(
        {
            "Order Number": order_no,
            "Order Status": rng.choice(
                ["Completed", "Processing", "Refunded", "Cancelled"], n, p=[0.7, 0.15, 0.1, 0.05]
            ),
            "Order Date": timestamps(rng, n).dt.strftime("%Y-%m-%d %H:%M").to_numpy(),
            "Customer Note": blank(
                rng, rng.choice(["Bitte klingeln", "Gift, no invoice", "Leave with neighbour"], n), 0.9
            ),
            "First Name (Billing)": first[who],
            "Last Name (Billing)": last[who],
            "City (Billing)": CITIES[who % len(CITIES)],
            "Postcode (Billing)": (10000 + who * 37).astype(str),
            "Country Code (Billing)": COUNTRIES[who % len(COUNTRIES)],
            "Email (Billing)": emails[who],
            "Phone (Billing)": np.array(phones(rng, 120, "(0###) ### ####"))[who],
            "Payment Method Title": rng.choice(["PayPal", "Credit Card (Stripe)", "Direct bank transfer"], n),
            "Cart Discount Amount": np.where(rng.random(n) < 0.15, 5.0, 0.0),
            "Order Subtotal Amount": np.round(qty * PRICES[product], 2),
            "Shipping Method Title": rng.choice(["Flat rate", "Free shipping", "Local pickup"], n),
            "Order Shipping Amount": rng.choice([0.0, 4.95, 6.9], n),
            "Order Total Amount": np.round(qty * PRICES[product] + 4.95, 2),
            "Order Total Tax Amount": np.round(qty * PRICES[product] * 0.16, 2),
            "SKU": [f"WC-{p:03d}" for p in product],
            "Item Name": PRODUCTS[product],
            "Quantity (- Refund)": qty,
            "Item Cost": PRICES[product],
            "Coupon Code": blank(rng, rng.choice(["summer24", "bf-2023"], n), 0.85),
            "Customer User ID": user_id,
        }
    )
    frame.to_csv(TABLES / "exp_woocommerce_orders.csv", index=False, encoding="utf-8-sig")


def stripe_payments() -> None:
    rng = rng_for(4)
    n = 700
    _, last, emails = people(rng, 200)
    who = rng.integers(0, 200, n)
    customer_ids = np.array([f"cus_{h[:14]}" for h in hex_ids(rng, 200)])
    amount = rng.choice([9.0, 19.0, 49.0, 99.0, 149.5], n)
    status = rng.choice(["Paid", "Paid", "Paid", "Refunded", "Failed"], n)
    refunded = np.where(status == "Refunded", amount, 0.0)
    fee = np.round(amount * 0.014 + 0.25, 2)
    frame = pd.DataFrame(
        {
            "id": [f"ch_3N{h[:22]}" for h in hex_ids(rng, n, 24)],
            "Description": rng.choice(
                ["Subscription creation", "Subscription update", "Payment for Invoice"], n
            ),
            "Seller Message": np.where(
                status == "Failed", "The bank did not return any further details.", "Payment complete."
            ),
            "Created date (UTC)": timestamps(rng, n).dt.strftime("%Y-%m-%d %H:%M:%S").to_numpy(),
            "Amount": [f"{a:.2f}" for a in amount],
            "Amount Refunded": [f"{a:.2f}" for a in refunded],
            "Currency": "eur",
            "Converted Amount": [f"{a:.2f}" for a in amount],
            "Fee": [f"{a:.2f}" for a in fee],
            "Mode": "Live",
            "Status": status,
            "Customer ID": customer_ids[who],
            "Customer Description": (np.array(["Mr. ", "Ms. ", ""])[who % 3] + last[who]),
            "Customer Email": emails[who],
            "Captured": np.where(status == "Failed", "false", "true"),
            "Card Brand": rng.choice(["Visa", "MasterCard", "American Express"], n),
            "Card Funding": rng.choice(["credit", "debit"], n),
            "Card Exp Year": rng.integers(2025, 2031, n),
            "Card Address Country": rng.choice(COUNTRIES, n),
            "Invoice ID": blank(rng, [f"in_1N{h[:20]}" for h in hex_ids(rng, n, 20)], 0.3),
        }
    )
    frame.to_csv(TABLES / "exp_stripe_payments.csv", index=False)


def _retail_lines(rng: np.random.Generator, n: int) -> pd.DataFrame:
    codes = np.array(
        ["85123A", "71053", "84406B", "22423", "47566", "85099B", "20725", "22720", "21232", "POST"]
    )
    names = np.array(
        ["WHITE HANGING HEART T-LIGHT HOLDER", "WHITE METAL LANTERN", "CREAM CUPID HEARTS COAT HANGER",
         "REGENCY CAKESTAND 3 TIER", "PARTY BUNTING", "JUMBO BAG RED RETROSPOT", "LUNCH BAG RED RETROSPOT",
         "SET OF 3 CAKE TINS PANTRY DESIGN", "STRAWBERRY CERAMIC TRINKET BOX", "POSTAGE"]
    )  # fmt: skip
    prices = np.array([2.55, 3.39, 2.75, 12.75, 4.95, 1.95, 1.65, 4.95, 1.25, 18.0])
    invoice = np.sort(rng.integers(536365, 536365 + n // 4, n))
    cancelled = np.isin(invoice, rng.choice(np.unique(invoice), 15))
    product = rng.integers(0, len(codes), n)
    customer = rng.choice(np.arange(12346, 18287), n // 6)[invoice % (n // 6)]
    return pd.DataFrame(
        {
            "invoice": np.where(cancelled, "C" + invoice.astype(str), invoice.astype(str)),
            "code": codes[product],
            "name": names[product],
            "qty": np.where(cancelled, -1, 1) * rng.choice([1, 2, 6, 12, 24], n),
            "date": pd.Timestamp("2010-12-01 08:26") + pd.to_timedelta(invoice - 536365, unit="h"),
            "price": prices[product],
            "customer": np.where(rng.random(n) < 0.1, np.nan, customer.astype(float)),
            "country": np.where(customer % 7 == 0, "France", "United Kingdom"),
        }
    )


def online_retail() -> None:
    lines = _retail_lines(rng_for(9), 2000)
    lines.columns = [
        "InvoiceNo",
        "StockCode",
        "Description",
        "Quantity",
        "InvoiceDate",
        "UnitPrice",
        "CustomerID",
        "Country",
    ]
    lines.to_excel(TABLES / "exp_online_retail.xlsx", index=False)
    lines_ii = _retail_lines(rng_for(10), 1500)
    lines_ii.columns = [
        "Invoice",
        "StockCode",
        "Description",
        "Quantity",
        "InvoiceDate",
        "Price",
        "Customer ID",
        "Country",
    ]
    lines_ii["InvoiceDate"] = lines_ii["InvoiceDate"].dt.strftime("%d/%m/%Y %H:%M")
    lines_ii.to_csv(TABLES / "exp_online_retail_ii.csv", index=False, encoding="cp1252")


def olist() -> None:
    rng = rng_for(11)
    n_people = 300
    unique_ids = hex_ids(rng, n_people)
    n_orders = 400
    person = rng.integers(0, n_people, n_orders)
    customer_ids = hex_ids(rng, n_orders)  # Olist gives every order its own customer_id
    order_ids = hex_ids(rng, n_orders)
    purchase = timestamps(rng, n_orders, "2017-01-05", 600)
    states = np.array(["SP", "RJ", "MG", "RS", "PR"])
    cities = np.array(["sao paulo", "rio de janeiro", "belo horizonte", "porto alegre", "curitiba"])
    place = person % len(states)
    pd.DataFrame(
        {
            "customer_id": customer_ids,
            "customer_unique_id": unique_ids[person],
            "customer_zip_code_prefix": [f"{z:05d}" for z in 1000 + person * 97],
            "customer_city": cities[place],
            "customer_state": states[place],
        }
    ).to_csv(TABLES / "exp_olist_customers.csv", index=False)
    fmt = "%Y-%m-%d %H:%M:%S"
    pd.DataFrame(
        {
            "order_id": order_ids,
            "customer_id": customer_ids,
            "order_status": rng.choice(["delivered", "delivered", "shipped", "canceled"], n_orders),
            "order_purchase_timestamp": purchase.dt.strftime(fmt).to_numpy(),
            "order_approved_at": (purchase + pd.Timedelta(hours=2)).dt.strftime(fmt).to_numpy(),
            "order_delivered_customer_date": blank(
                rng, (purchase + pd.Timedelta(days=8)).dt.strftime(fmt), 0.05
            ),
            "order_estimated_delivery_date": (purchase + pd.Timedelta(days=20))
            .dt.strftime("%Y-%m-%d 00:00:00")
            .to_numpy(),
        }
    ).to_csv(TABLES / "exp_olist_orders.csv", index=False)
    product_ids = hex_ids(rng, 60)
    categories = np.array(
        ["beleza_saude", "cama_mesa_banho", "esporte_lazer", "informatica_acessorios", "moveis_decoracao"]
    )
    items_per = rng.integers(1, 4, n_orders)
    item_order = np.repeat(np.arange(n_orders), items_per)
    product = rng.integers(0, 60, len(item_order))
    product_price = np.round(rng.gamma(2.0, 40.0, 60), 2)
    pd.DataFrame(
        {
            "order_id": order_ids[item_order],
            "order_item_id": pd.Series(item_order).groupby(item_order).cumcount().to_numpy() + 1,
            "product_id": product_ids[product],
            "seller_id": hex_ids(rng, 25)[product % 25],
            "shipping_limit_date": (purchase[item_order].reset_index(drop=True) + pd.Timedelta(days=6))
            .dt.strftime(fmt)
            .to_numpy(),
            "price": product_price[product],
            "freight_value": np.round(rng.uniform(7, 40, len(item_order)), 2),
        }
    ).to_csv(TABLES / "exp_olist_order_items.csv", index=False)
    installments = rng.integers(1, 10, n_orders)
    pd.DataFrame(
        {
            "order_id": order_ids,
            "payment_sequential": 1,
            "payment_type": rng.choice(["credit_card", "boleto", "voucher", "debit_card"], n_orders),
            "payment_installments": installments,
            "payment_value": np.round(rng.gamma(2.0, 70.0, n_orders), 2),
        }
    ).to_csv(TABLES / "exp_olist_order_payments.csv", index=False)
    pd.DataFrame(
        {
            "product_id": product_ids,
            "product_category_name": categories[rng.integers(0, 5, 60)],
            "product_name_lenght": rng.integers(20, 60, 60),
            "product_description_lenght": rng.integers(100, 3000, 60),
            "product_photos_qty": rng.integers(1, 6, 60),
            "product_weight_g": rng.integers(100, 10_000, 60),
            "product_length_cm": rng.integers(10, 100, 60),
            "product_height_cm": rng.integers(2, 60, 60),
            "product_width_cm": rng.integers(10, 60, 60),
        }
    ).to_csv(TABLES / "exp_olist_products.csv", index=False)


def chinese_orders() -> None:
    rng = rng_for(22)
    n = 900
    goods = np.array(["绿茶", "乌龙茶", "茶具套装", "月饼礼盒", "蜂蜜", "枸杞"])
    kinds = np.array(["茶叶", "茶叶", "茶具", "食品", "食品", "食品"])
    unit = np.array([68.0, 88.0, 299.0, 158.0, 45.0, 39.9])
    item = rng.integers(0, len(goods), n)
    qty = rng.integers(1, 5, n)
    pd.DataFrame(
        {
            "订单号": [f"DD{20240000 + k}" for k in np.sort(rng.integers(0, 600, n))],
            "客户编号": [f"KH{c:05d}" for c in rng.integers(1, 250, n)],
            "日期": timestamps(rng, n, "2023-06-01", 300).dt.strftime("%Y-%m-%d").to_numpy(),
            "商品名称": goods[item],
            "类别": kinds[item],
            "数量": qty,
            "单价": unit[item],
            "金额": np.round(qty * unit[item], 2),
            "支付方式": rng.choice(["支付宝", "微信支付", "银行卡"], n),
            "城市": rng.choice(["上海", "北京", "杭州", "广州"], n),
        }
    ).to_csv(TABLES / "exp_chinese_orders.csv", index=False)


def pos_receipts() -> None:
    rng = rng_for(26)
    n = 1200
    receipt = np.sort(rng.integers(0, 400, n))
    article = rng.integers(0, len(PRODUCTS), n)
    qty = rng.integers(1, 4, n)
    card = np.where(receipt % 3 == 0, "", (4_000_100 + receipt % 97).astype(str))
    stamp = timestamps(rng, 400, "2024-01-02", 90)[receipt].reset_index(drop=True)
    pd.DataFrame(
        {
            "Receipt No": [f"{r:06d}" for r in 100_000 + receipt],
            "Store": np.array(["Filiale 01", "Filiale 02", "Filiale 07"])[receipt % 3],
            "Till": receipt % 4 + 1,
            "Date": stamp.dt.strftime("%d/%m/%y").to_numpy(),
            "Time": stamp.dt.strftime("%H:%M").to_numpy(),
            "Member Card": card,
            "Article": PRODUCTS[article],
            "Article Group": np.array(["Apparel", "Accessories", "Outdoor"])[article % 3],
            "Qty": qty,
            "Unit Price": PRICES[article],
            "Line Total": np.round(qty * PRICES[article], 2),
            "VAT %": np.where(PRODUCTS[article] == "Gift Card", 0, 19),
            "Payment": np.array(["Cash", "Card", "Card", "Voucher"])[receipt % 4],
        }
    ).to_csv(TABLES / "exp_pos_receipts.tsv", index=False, sep="\t")


def amazon_orders() -> None:
    rng = rng_for(27)
    n = 500
    article = rng.integers(0, len(PRODUCTS), n)
    qty = rng.integers(1, 3, n)
    stamp = timestamps(rng, n, "2024-02-01", 60)
    order_ids = [
        f"{a:03d}-{b:07d}-{c:07d}"
        for a, b, c in zip(
            rng.integers(100, 999, n),
            rng.integers(0, 9_999_999, n),
            rng.integers(0, 9_999_999, n),
            strict=True,
        )
    ]
    pd.DataFrame(
        {
            "amazon-order-id": order_ids,
            "purchase-date": stamp.dt.strftime("%Y-%m-%dT%H:%M:%S+00:00").to_numpy(),
            "order-status": rng.choice(["Shipped", "Pending", "Cancelled"], n, p=[0.85, 0.1, 0.05]),
            "fulfillment-channel": rng.choice(["Amazon", "Merchant"], n),
            "sales-channel": rng.choice(["Amazon.de", "Amazon.fr"], n),
            "product-name": PRODUCTS[article],
            "sku": [f"AMZ-{a:04d}" for a in article],
            "asin": np.array([f"B0{h[:8].upper()}" for h in hex_ids(rng, len(PRODUCTS), 8)])[article],
            "quantity": qty,
            "currency": "EUR",
            "item-price": np.round(qty * PRICES[article], 2),
            "item-tax": np.round(qty * PRICES[article] * 0.19 / 1.19, 2),
            "shipping-price": rng.choice([0.0, 3.99], n),
            "ship-city": rng.choice(["BERLIN", "PARIS", "MÜNCHEN", "LYON"], n),
            "ship-postal-code": [f"{z:05d}" for z in rng.integers(1000, 99999, n)],
            "ship-country": rng.choice(["DE", "FR"], n),
            "is-business-order": rng.choice(["false", "true"], n, p=[0.9, 0.1]),
        }
    ).to_csv(TABLES / "exp_amazon_orders.txt", index=False, sep="\t")


def ecommerce_events() -> None:
    rng = rng_for(28)
    n = 2000
    product_ids = rng.integers(1_000_000, 100_000_000, 80)
    product = rng.integers(0, 80, n)
    codes = np.array(
        ["electronics.smartphone", "appliances.kitchen.kettle", "apparel.shoes", "computers.notebook"]
    )
    category_ids = np.array(
        [2053013555631882655, 2232732093077520756, 2053013553341792533, 2053013554658804075]
    )
    pd.DataFrame(
        {
            "event_time": timestamps(rng, n, "2019-10-01", 31)
            .dt.strftime("%Y-%m-%d %H:%M:%S UTC")
            .to_numpy(),
            "event_type": rng.choice(["view", "view", "view", "cart", "purchase"], n),
            "product_id": product_ids[product],
            "category_id": category_ids[product % 4],
            "category_code": blank(rng, codes[product % 4], 0.2),
            "brand": blank(rng, np.array(["samsung", "apple", "xiaomi", "bosch", "nike"])[product % 5], 0.1),
            "price": np.round(rng.gamma(2.0, 100.0, 80), 2)[product],
            "user_id": rng.integers(512_000_000, 512_000_300, n),
            "user_session": [f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}" for h in hex_ids(rng, n)],
        }
    ).to_csv(TABLES / "exp_ecommerce_events.csv", index=False)


def ratings() -> None:
    rng = rng_for(14)
    n = 2000
    user = np.sort(rng.integers(1, 120, n))
    pd.DataFrame(
        {
            "userId": user,
            "movieId": rng.choice(
                [1, 2, 3, 6, 32, 47, 50, 110, 260, 296, 318, 356, 480, 527, 589, 1196, 2571], n
            ),
            "rating": rng.choice(np.arange(1, 11) / 2, n),
            "timestamp": 964_982_703 + rng.integers(0, 500_000_000, n),
        }
    ).to_csv(TABLES / "exp_ratings.csv", index=False)


def groceries() -> None:
    rng = rng_for(18)
    n = 2000
    items = np.array(
        ["whole milk", "other vegetables", "rolls/buns", "soda", "yogurt", "bottled water",
         "root vegetables", "tropical fruit", "shopping bags", "sausage", "pastry", "citrus fruit"]
    )  # fmt: skip
    pd.DataFrame(
        {
            "Member_number": rng.integers(1000, 1400, n),
            "Date": timestamps(rng, n, "2014-01-01", 700).dt.strftime("%d-%m-%Y").to_numpy(),
            "itemDescription": rng.choice(items, n),
        }
    ).to_csv(TABLES / "exp_groceries.csv", index=False, sep=";")
