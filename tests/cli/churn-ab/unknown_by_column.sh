printf 'customer_id,arm,converted,tier\nc1,control,1,gold\nc2,b,0,silver\n' > a.csv
churn-ab --assignments a.csv --converted converted --by tier --by city
