SELECT api.generate_demo_data(%(organization_id)s, %(days)s, %(bookings_per_night)s, %(seed)s,
                              %(until)s) AS counts
