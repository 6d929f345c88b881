.mode csv
WITH f AS (
  SELECT village_code,
         sum(CAST(manure_produced_t AS REAL)) AS produced,
         sum(CAST(manure_utilized_t AS REAL)) AS utilized,
         sum(scale = 'yes') AS scale_farms,
         sum(scale = 'yes' AND facilities_matched = 'yes') AS matched_farms
  FROM farms GROUP BY village_code)
SELECT substr(v.village_code, 1, 9) AS township,
       count(*) AS reported,
       sum(v.garbage_effective = 'yes') AS garbage_effective,
       sum(CAST(v.toilet_harmless AS INTEGER)) AS toilet_harmless,
       sum(CAST(v.toilet_sanitary AS INTEGER)) AS toilet_sanitary,
       sum(CAST(v.households AS INTEGER)) AS households,
       sum(CAST(v.manure_scattered_utilized_t AS REAL) + coalesce(f.utilized, 0)) AS manure_utilized,
       sum(CAST(v.manure_scattered_produced_t AS REAL) + coalesce(f.produced, 0)) AS manure_produced,
       sum(coalesce(f.matched_farms, 0)) AS matched_farms,
       sum(coalesce(f.scale_farms, 0)) AS scale_farms,
       sum(v.sewage_controlled = 'yes') AS sewage_controlled
FROM villages v LEFT JOIN f ON f.village_code = v.village_code
GROUP BY 1 ORDER BY 1;
